import Foundation

/// The usefulness score of COLLATE (section 3, step 2): the length-normalised likelihood of the
/// gold answer, l = exp( (1/|A|) * sum_t log p(A_t | ...) ).
///
/// The token log-probs are those of the answer's tokens and the EOS (FORMATS.md, token
/// boundaries), so |A| counts the EOS too. Accumulates in Double so that a long answer's
/// float32 log-probs do not lose precision in the sum.
public struct AnswerScore: Sendable, Equatable {
    /// (1/|A|) * sum_t log p(A_t | ...)
    public let meanLogprob: Double
    /// exp(meanLogprob), in (0, 1].
    public let value: Double
    /// |A|: the number of scored tokens (answer tokens + EOS).
    public let tokenCount: Int

    /// The largest positive value accepted (and read as 0) as float rounding of a log-prob of 0.
    public static let roundingAllowance = 1e-5

    public init(tokenLogprobs: [Float]) throws(MethodError) {
        try self.init(tokenLogprobs: tokenLogprobs.map(Double.init))
    }

    public init(tokenLogprobs: [Double]) throws(MethodError) {
        guard !tokenLogprobs.isEmpty else {
            throw .invalidInput("an answer score needs at least one token log-prob (the EOS)")
        }
        var sum = 0.0
        for (index, logprob) in tokenLogprobs.enumerated() {
            // A float32 log-softmax can round a certain token to a hair above 0: allow that,
            // reject anything that cannot be a log-probability.
            guard logprob.isFinite, logprob <= Self.roundingAllowance else {
                throw .invalidInput("token log-prob \(index) is \(logprob): a log-prob must be finite and <= 0")
            }
            sum += min(logprob, 0)
        }
        tokenCount = tokenLogprobs.count
        meanLogprob = sum / Double(tokenCount)
        value = exp(meanLogprob)
    }
}

/// Errors of the method's pure functions: they name what was wrong with the input.
public enum MethodError: Error, Equatable, CustomStringConvertible {
    case invalidInput(String)

    public var description: String {
        switch self {
        case .invalidInput(let message): message
        }
    }
}
