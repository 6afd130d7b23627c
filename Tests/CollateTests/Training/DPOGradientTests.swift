import CollateToyPolicy
import Foundation
import Testing
import TensorCore
@testable import Collate

@Suite struct DPOGradientTests {
    /// The gradient the trainer applies equals a central finite difference of the DPO loss
    /// (through the policy's real log-probs) for every loss type, on a few parameter entries.
    @Test(arguments: DPOLossType.allCases)
    func backpropagatedGradientMatchesFiniteDifferences(type: DPOLossType) throws {
        let setup = try ToyTrainingSetup(pairs: 4)
        defer { setup.directory.remove() }
        let reference = freshToyPolicy()
        let policy = freshToyPolicy()
        // Move the policy away from the reference so that D != 0 and the losses are generic.
        var random = SeededRandom(seed: 1)
        for variable in policy.trainableParameters.values {
            variable.value = variable.value + Tensor.normal(variable.shape, std: 0.3, using: &random)
        }
        let fixed = try reference.referenceLogProbs(setup.pairs)
        func loss() throws -> (DPOLossResult, PairLogProbs) {
            var unused = SeededRandom(seed: 0)
            let logprobs = try policy.sequenceLogProbs(setup.pairs, random: &unused)
            let batch = DPOBatch(
                policyChosen: logprobs.chosen.value.scalars.map(Double.init),
                policyRejected: logprobs.rejected.value.scalars.map(Double.init),
                referenceChosen: fixed.chosen.value.scalars.map(Double.init),
                referenceRejected: fixed.rejected.value.scalars.map(Double.init),
                chosenTokenCounts: logprobs.chosenTokenCounts, rejectedTokenCounts: logprobs.rejectedTokenCounts)
            return (try DPOLoss.compute(batch, beta: 0.5, type: type), logprobs)
        }
        let (result, logprobs) = try loss()
        DPOTrainer.backpropagate(result, through: logprobs)
        let parameters = [("lm_head.bias", [5, 7, 9]), ("embedding.weight", [40, 41, 56]), ("lm_head.weight", [44, 60])]
        var worst = 0.0
        for (name, entries) in parameters {
            let variable = try #require(policy.trainableParameters[name])
            let analytic = try #require(variable.grad).scalars
            for entry in entries {
                let saved = variable.value
                let epsilon: Float = 1e-2
                var plus = saved.scalars, minus = saved.scalars
                plus[entry] += epsilon
                minus[entry] -= epsilon
                variable.value = Tensor(plus, shape: saved.shape)
                let up = try withNoGrad { try loss().0.loss }
                variable.value = Tensor(minus, shape: saved.shape)
                let down = try withNoGrad { try loss().0.loss }
                variable.value = saved
                let numeric = (up - down) / Double(2 * epsilon)
                let difference = abs(numeric - Double(analytic[entry]))
                worst = max(worst, difference)
                #expect(difference <= 2e-3 + 2e-2 * abs(numeric),
                        "\(type) \(name)[\(entry)]: analytic \(analytic[entry]), numeric \(numeric)")
            }
        }
        #expect(worst < 1e-2)
        #expect(policy.trainableParameters.values.allSatisfy { $0.grad != nil })
    }

    /// Each epoch visits every pair once, in an order fixed by (seed, epoch); batches stop at
    /// the epoch's end.
    @Test func dataOrderIsASeededPermutationPerEpoch() {
        var order = DataOrder(count: 7, seed: 3)
        let first = order.order(epoch: 0), second = order.order(epoch: 1)
        #expect(first.sorted() == Array(0..<7) && second.sorted() == Array(0..<7))
        #expect(first != second)
        var again = DataOrder(count: 7, seed: 3)
        #expect(again.order(epoch: 1) == second && again.order(epoch: 0) == first)
        var other = DataOrder(count: 7, seed: 4)
        #expect(other.order(epoch: 0) != first)

        var position = DataPosition(epoch: 0, index: 0)
        var visited: [[Int]] = []
        for _ in 0..<4 {
            let (indices, next) = order.batch(at: position, batchSize: 3)
            visited.append(indices)
            position = next
        }
        #expect(visited == [Array(first[0..<3]), Array(first[3..<6]), [first[6]], Array(second[0..<3])])
        #expect(position == DataPosition(epoch: 1, index: 3))
        #expect(DataOrder.digest(pairIDs: [1, 2]) != DataOrder.digest(pairIDs: [2, 1]))
    }
}
