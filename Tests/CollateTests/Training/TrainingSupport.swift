import CollateToyPolicy
import Foundation
import TensorCore
@testable import Collate
import TestSupport

/// A toy DPO setup: a store with `pairs` labelled pairs, a session folder for checkpoints.
struct ToyTrainingSetup {
    let directory: TemporaryDirectory
    let store: SessionStore
    let pairs: [PreferencePair]

    init(pairs count: Int = 9) throws {
        directory = try TemporaryDirectory()
        store = try SessionStore(url: directory.url.appendingPathComponent("state.sqlite"))
        pairs = try ToyPreferenceData.pairs(in: store, count: count)
    }

    static func configuration(loss: DPOLossType = .sigmoid, steps: Int? = nil, checkpointEvery: Int = 2,
                              learningRate: Double = 0.05) -> DPOTrainingConfiguration {
        var configuration = DPOTrainingConfiguration(
            beta: 0.1, loss: loss, learningRate: learningRate, batchSize: 3, epochs: 2, maxSteps: steps,
            checkpointEvery: checkpointEvery, seed: 5)
        configuration.warmupRatio = 0
        return configuration
    }

    func trainer(_ policy: any PreferencePolicy, _ configuration: DPOTrainingConfiguration) -> DPOTrainer {
        DPOTrainer(store: store, sessionFolder: directory.url, policy: policy, pairs: pairs, iteration: 1,
                   provider: 1, configuration: configuration)
    }
}

/// The iteration-start policy every test trains from.
func freshToyPolicy(dropout: Float = 0) -> ToyPreferencePolicy {
    ToyPreferencePolicy(seed: 3, dropoutProbability: dropout)
}

func bitwiseEqualWeights(_ a: any PreferencePolicy, _ b: any PreferencePolicy) -> Bool {
    let left = a.trainableParameters, right = b.trainableParameters
    guard Set(left.keys) == Set(right.keys) else { return false }
    return left.allSatisfy { name, variable in right[name].map { variable.value.isBitwiseEqual($0.value) } ?? false }
}

/// Wraps a policy and damages its output on chosen calls of `sequenceLogProbs` (1-based).
final class FaultyPolicy: PreferencePolicy {
    enum Fault { case nanLogProb, infiniteGradient }
    let base: ToyPreferencePolicy
    let fault: Fault
    let faultyCalls: Set<Int>
    private(set) var calls = 0
    private(set) var referenceCalls = 0
    /// sqrt at 0: value 0, gradient inf.
    private let poison = Variable(Tensor.zeros([1]), requiresGrad: true)

    init(_ base: ToyPreferencePolicy, fault: Fault, onCalls: Set<Int>) {
        self.base = base
        self.fault = fault
        self.faultyCalls = onCalls
    }

    var trainableParameters: [String: Variable] { base.trainableParameters }

    func sequenceLogProbs(_ pairs: [PreferencePair], random: inout SeededRandom) throws -> PairLogProbs {
        calls += 1
        let clean = try base.sequenceLogProbs(pairs, random: &random)
        guard faultyCalls.contains(calls) else { return clean }
        switch fault {
        case .nanLogProb:
            return PairLogProbs(chosen: clean.chosen + Variable(Tensor.full([pairs.count], .nan)),
                                rejected: clean.rejected, chosenTokenCounts: clean.chosenTokenCounts,
                                rejectedTokenCounts: clean.rejectedTokenCounts)
        case .infiniteGradient:
            // bias[0] * 0 + 0 under a sqrt: value 0, but the gradient reaching bias[0] is inf * 0 = NaN.
            let poisoned = clean.chosen + (base.bias.slice(axis: 0, 0..<1) * 0 + poison).sqrt()
            return PairLogProbs(chosen: poisoned, rejected: clean.rejected,
                                chosenTokenCounts: clean.chosenTokenCounts,
                                rejectedTokenCounts: clean.rejectedTokenCounts)
        }
    }

    func referenceLogProbs(_ pairs: [PreferencePair]) throws -> PairLogProbs {
        referenceCalls += 1
        return try base.referenceLogProbs(pairs)
    }
}
