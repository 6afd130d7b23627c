import Foundation
import Testing
@testable import Collate
import TestSupport

@Suite struct MetricsExchangeTests {
    static let trainerState = """
    {"best_metric": null, "global_step": 20, "log_history": [
      {"epoch": 0.5, "grad_norm": 3.25, "learning_rate": 5e-07, "logits/chosen": -2.5, "logits/rejected": -2.75,
       "logps/chosen": -120.5, "logps/rejected": -130.25, "loss": 0.6931, "rewards/accuracies": 0.0,
       "rewards/chosen": 0.0, "rewards/margins": 0.0, "rewards/rejected": 0.0, "step": 10},
      {"epoch": 1.0, "eval_loss": 0.65, "eval_runtime": 1.5, "step": 20},
      {"epoch": 1.0, "loss": 0.61, "rewards/margins": 0.4, "rewards/accuracies": 0.75, "step": 20},
      {"epoch": 1.0, "step": 20, "total_flos": 0.0, "train_loss": 0.65, "train_runtime": 12.5}
    ], "max_steps": 20}
    """

    @Test func importsAHuggingFaceTrainerStateOnce() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = try directory.write(Self.trainerState, to: "trainer_state.json")
        let store = try SessionStore()
        let first = try MetricsExchange.importTrainerState(url: url, into: store)
        #expect(first.steps == 2 && !first.alreadyImported && first.run.kind == "imported")
        let runID = try #require(first.run.id)
        let metrics = try store.metrics(runID: runID)
        #expect(metrics.map(\.step) == [10, 20])
        #expect(metrics[0].loss == 0.6931 && metrics[0].gradNorm == 3.25 && metrics[0].logpsRejected == -130.25)
        #expect(metrics[0].learningRate == 5e-7 && metrics[0].logitsChosen == -2.5)
        #expect(metrics[1].loss == 0.61 && metrics[1].rewardsMargins == 0.4 && metrics[1].rewardsChosen == nil)

        let again = try MetricsExchange.importTrainerState(url: url, into: store)
        #expect(again.alreadyImported && again.run.id == runID)
        #expect(try store.status().runs == ["imported": 1])
    }

    @Test func exportedLinesReadBackAsTheSameMetrics() throws {
        var a = MetricRecord(runId: 1, step: 2)
        a.record(try DPOLoss.compute(
            DPOBatch(policyChosen: [-10], policyRejected: [-12], referenceChosen: [-11], referenceRejected: [-11],
                     chosenTokenCounts: [3], rejectedTokenCounts: [3]), beta: 0.1, type: .sigmoid, sftWeight: 0.5))
        #expect(a.nllLoss == 10.0 / 3)
        a.learningRate = 5e-5
        a.gradNorm = 0.125
        var b = MetricRecord(runId: 1, step: 1)
        b.loss = 0.6931471805599453
        let text = try MetricsExchange.jsonLines([a, b])
        let lines = text.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0] == #"{"loss":0.6931471805599453,"step":1}"#)
        #expect(lines[1].contains(#""rewards/margins":0.2"#) && lines[1].contains(#""grad_norm":0.125"#), "\(lines[1])")
        #expect(lines[1].contains(#""nll_loss":3.3333333333333335"#), "\(lines[1])")
        let entries = try lines.map { try JSONDecoder().decode([String: JSONNumberOrOther].self, from: Data($0.utf8)) }
        let parsed = MetricsExchange.parseLogHistory(entries)
        #expect(parsed[2] == a.trlValues && parsed[1] == b.trlValues)
        var back = MetricRecord(runId: 1, step: 2)
        back.set(trlValues: parsed[2] ?? [:])
        #expect(back == a)
    }

    @Test func rejectsFilesThatAreNotTrainerStates() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SessionStore()
        let notState = try directory.write("{\"steps\": []}", to: "a.json")
        #expect(throws: MetricsExchange.Error.self) { try MetricsExchange.importTrainerState(url: notState, into: store) }
        let empty = try directory.write("{\"log_history\": [{\"train_runtime\": 3, \"step\": 1}]}", to: "b.json")
        #expect(throws: MetricsExchange.Error.self) { try MetricsExchange.importTrainerState(url: empty, into: store) }
        #expect(try store.status().runs.isEmpty)
    }
}
