/// Test-time evaluation (COLLATE.md section 4), the arithmetic part: which provider is used at
/// test time, and the accuracy table reported beside it.
public enum Evaluation {
    /// Whether each way of answering one test prompt got it right.
    public struct PromptOutcome: Sendable, Equatable {
        public var promptID: Int64
        /// I -> A directly.
        public var direct: Bool
        /// [I;R_s] -> A with provider s's rationale, for every provider.
        public var providers: [Int: Bool]

        public init(promptID: Int64, direct: Bool, providers: [Int: Bool]) {
            self.promptID = promptID
            self.direct = direct
            self.providers = providers
        }
    }

    public struct Summary: Sendable, Equatable {
        public var promptCount: Int
        public var direct: Double
        public var perProvider: [Int: Double]
        public var selectedProvider: Int
        public var selected: Double
        /// Best of S by correctness: a prompt counts if any provider's rationale got it right.
        public var oracle: Double
    }

    /// The provider with the best mean answer score l on the validation split; ties go to the
    /// lowest provider number. `scores` holds each provider's l over the validation prompts.
    public static func selectProvider(validationScores scores: [Int: [Double]]) throws(MethodError) -> Int {
        var best: (provider: Int, mean: Double)?
        for provider in scores.keys.sorted() {
            let values = scores[provider] ?? []
            guard !values.isEmpty else { throw .invalidInput("provider \(provider) has no validation scores") }
            guard values.allSatisfy(\.isFinite) else { throw .invalidInput("provider \(provider) has a non-finite score") }
            let mean = values.reduce(0, +) / Double(values.count)
            if best == nil || mean > best?.mean ?? -.infinity { best = (provider, mean) }
        }
        guard let best else { throw .invalidInput("no provider has validation scores") }
        return best.provider
    }

    /// Accuracies over the test outcomes. Every outcome must cover the same providers.
    public static func summarise(_ outcomes: [PromptOutcome], selectedProvider: Int) throws(MethodError) -> Summary {
        guard let first = outcomes.first else { throw .invalidInput("no test outcomes to summarise") }
        let providers = Set(first.providers.keys)
        guard providers.contains(selectedProvider) else {
            throw .invalidInput("the selected provider \(selectedProvider) has no test outcomes")
        }
        if let odd = outcomes.first(where: { Set($0.providers.keys) != providers }) {
            throw .invalidInput("prompt \(odd.promptID) does not have an outcome for every provider")
        }
        let count = Double(outcomes.count)
        let fraction = { (isRight: (PromptOutcome) -> Bool) in Double(outcomes.filter(isRight).count) / count }
        var perProvider: [Int: Double] = [:]
        for provider in providers { perProvider[provider] = fraction { $0.providers[provider] == true } }
        return Summary(
            promptCount: outcomes.count,
            direct: fraction(\.direct),
            perProvider: perProvider,
            selectedProvider: selectedProvider,
            selected: perProvider[selectedProvider] ?? 0,
            oracle: fraction { $0.providers.values.contains(true) })
    }
}
