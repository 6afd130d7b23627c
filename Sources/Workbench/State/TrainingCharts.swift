import TUIKit

/// The Train screen's data: per metric (TRL's names) and provider, that provider's run's
/// points at x = the run's own step. A resumed run goes on where its points end; a new run
/// of a provider starts its series afresh; other providers' series are left alone.
public struct TrainingCharts: Hashable, Sendable {
    public struct Key: Hashable, Sendable {
        public var name: String
        public var provider: Int
        public init(name: String, provider: Int) {
            self.name = name
            self.provider = provider
        }
    }

    public private(set) var series: [Key: [ChartPoint]] = [:]

    public init(series: [Key: [ChartPoint]] = [:]) {
        self.series = series
    }

    /// One provider's points of a metric.
    public subscript(name: String, provider provider: Int) -> [ChartPoint]? { series[Key(name: name, provider: provider)] }

    /// Every provider's points of a metric, provider by provider (nil when there are none).
    public subscript(name: String) -> [ChartPoint]? {
        let points = providers(of: name).flatMap { series[Key(name: name, provider: $0)] ?? [] }
        return points.isEmpty ? nil : points
    }

    /// The providers with points of a metric, in order.
    public func providers(of name: String) -> [Int] {
        series.keys.filter { $0.name == name && !(series[$0]?.isEmpty ?? true) }.map(\.provider).sorted()
    }

    public var isEmpty: Bool { series.values.allSatisfy(\.isEmpty) }

    public mutating func append(_ name: String, provider: Int, step: Int, value: Double) {
        series[Key(name: name, provider: provider), default: []].append(ChartPoint(x: Double(step), y: value))
    }

    /// A provider's run (re)starts at `step`: points past it are not of this run's history.
    public mutating func runStarted(provider: Int, at step: Int) {
        for key in series.keys where key.provider == provider {
            series[key]?.removeAll { $0.x > Double(step) }
        }
    }
}
