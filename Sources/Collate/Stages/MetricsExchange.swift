import Foundation
import GRDB

/// Training metrics in and out with TRL's names (FORMATS.md): one JSON object per step out,
/// and an HF `trainer_state.json` (its `log_history`) in, so a remote run shares the charts.
public enum MetricsExchange {
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case unreadable(file: String, reason: String)
        case invalid(file: String, reason: String)

        public var description: String {
            switch self {
            case .unreadable(let file, let reason): "\(file): cannot read: \(reason)"
            case .invalid(let file, let reason): "\(file): \(reason)"
            }
        }
    }

    /// One line per step: `{"step": N, "loss": ..., "rewards/chosen": ..., ...}`, keys sorted,
    /// absent metrics left out.
    public static func jsonLines(_ metrics: [MetricRecord]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]  // "rewards/chosen" as TRL writes it
        var lines: [String] = []
        for metric in metrics.sorted(by: { $0.step < $1.step }) {
            let data = try encoder.encode(TRLLogEntry(metric))
            lines.append(String(decoding: data, as: UTF8.self))
        }
        return lines.map { $0 + "\n" }.joined()
    }

    /// The per-step entries of a `trainer_state.json` log history (or of our own JSONL, whose
    /// lines are the same objects). Entries without a step, or without any known metric (eval
    /// and summary entries), are left out; two entries of one step are merged.
    public static func parseLogHistory(_ entries: [[String: JSONNumberOrOther]]) -> [Int: [String: Double]] {
        var steps: [Int: [String: Double]] = [:]
        let known = Set(MetricRecord.trlNames.map(\.value))
        for entry in entries {
            guard case .number(let stepValue)? = entry["step"], let step = Int(exactly: stepValue) else { continue }
            var values: [String: Double] = [:]
            for (key, value) in entry where known.contains(key) {
                if case .number(let number) = value { values[key] = number }
            }
            if !values.isEmpty { steps[step, default: [:]].merge(values) { _, new in new } }
        }
        return steps
    }

    /// Imports a `trainer_state.json` as a run of kind "imported". Importing the same file
    /// content again returns the run already made (nothing is duplicated).
    public static func importTrainerState(url: URL, into store: SessionStore, at date: Date = Date())
        throws -> (run: RunRecord, steps: Int, alreadyImported: Bool) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw Error.unreadable(file: url.path, reason: error.localizedDescription)
        }
        struct TrainerState: Decodable { let log_history: [[String: JSONNumberOrOther]] }
        let state: TrainerState
        do { state = try JSONDecoder().decode(TrainerState.self, from: data) } catch {
            throw Error.invalid(file: url.path, reason: "not a trainer_state.json (no log_history list of objects)")
        }
        let steps = parseLogHistory(state.log_history)
        guard !steps.isEmpty else { throw Error.invalid(file: url.path, reason: "log_history has no step with a known metric") }
        let config = "{\"source\":\(jsonString(url.lastPathComponent)),\"fnv1a\":\"\(FNV1a.hex(data))\"}"
        return try store.write { db in
            if let existing = try RunRecord.filter(sql: "kind = 'imported' AND config = ?", arguments: [config]).fetchOne(db) {
                return (existing, steps.count, true)
            }
            var run = RunRecord(kind: "imported", iteration: nil, provider: nil, status: .finished, config: config,
                                startedAt: date, finishedAt: date, message: url.path)
            try run.insert(db)
            guard let runID = run.id else { throw StoreError.corrupt("an inserted run has no id") }
            for (step, values) in steps {
                var metric = MetricRecord(runId: runID, step: step)
                metric.set(trlValues: values)
                try metric.insert(db)
            }
            return (run, steps.count, false)
        }
    }

    static func jsonString(_ text: String) -> String {
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

/// A JSON value that is a number or anything else (log entries mix numbers and strings).
public enum JSONNumberOrOther: Decodable, Equatable, Sendable {
    case number(Double)
    case other

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) { self = .number(number) } else { self = .other }
    }
}

/// One metrics line with TRL's keys.
struct TRLLogEntry: Encodable {
    let metric: MetricRecord

    init(_ metric: MetricRecord) { self.metric = metric }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(metric.step, forKey: Key(stringValue: "step"))
        for (name, value) in metric.trlValues { try container.encode(value, forKey: Key(stringValue: name)) }
    }
}

extension MetricRecord {
    /// The metrics that are set, by TRL name.
    public var trlValues: [String: Double] {
        var values: [String: Double] = [:]
        let all: [(String, Double?)] = [
            ("loss", loss), ("rewards/chosen", rewardsChosen), ("rewards/rejected", rewardsRejected),
            ("rewards/margins", rewardsMargins), ("rewards/accuracies", rewardsAccuracies),
            ("logps/chosen", logpsChosen), ("logps/rejected", logpsRejected), ("logits/chosen", logitsChosen),
            ("logits/rejected", logitsRejected), ("grad_norm", gradNorm), ("learning_rate", learningRate),
            ("epoch", epoch), ("nll_loss", nllLoss),
        ]
        for (name, value) in all { if let value { values[name] = value } }
        return values
    }

    /// Sets the metrics named in `values` (TRL names); other names are ignored.
    public mutating func set(trlValues values: [String: Double]) {
        loss = values["loss"] ?? loss
        rewardsChosen = values["rewards/chosen"] ?? rewardsChosen
        rewardsRejected = values["rewards/rejected"] ?? rewardsRejected
        rewardsMargins = values["rewards/margins"] ?? rewardsMargins
        rewardsAccuracies = values["rewards/accuracies"] ?? rewardsAccuracies
        logpsChosen = values["logps/chosen"] ?? logpsChosen
        logpsRejected = values["logps/rejected"] ?? logpsRejected
        logitsChosen = values["logits/chosen"] ?? logitsChosen
        logitsRejected = values["logits/rejected"] ?? logitsRejected
        gradNorm = values["grad_norm"] ?? gradNorm
        learningRate = values["learning_rate"] ?? learningRate
        epoch = values["epoch"] ?? epoch
        nllLoss = values["nll_loss"] ?? nllLoss
    }
}
