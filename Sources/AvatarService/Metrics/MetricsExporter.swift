import CoreMetrics
import Foundation
import Prometheus

/// The process's swift-metrics backend (swift-prometheus) and its text
/// exposition. Bootstrapped once per process; every metric recorded through
/// swift-metrics anywhere (HTTP client, processor) lands in `registry`.
public final class MetricsExporter: Sendable {
    public let registry: PrometheusCollectorRegistry

    private init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Remote requests take 0.1 s to minutes; claims take milliseconds.
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30),
            .seconds(60), .seconds(120), .seconds(300),
        ]
        MetricsSystem.bootstrap(factory)
    }

    /// The one exporter of this process (MetricsSystem.bootstrap may run once).
    public static let shared = MetricsExporter()

    /// The text exposition format (version 0.0.4), with `# HELP` lines from
    /// `MetricNames`, families in a stable (sorted) order.
    public func exposition() -> String {
        let raw = registry.emitToString()
        // Group the lines by family (a family starts at its # TYPE line).
        var families: [(name: String, lines: [Substring])] = []
        for line in raw.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let name = line.dropFirst(7).split(separator: " ").first.map(String.init) ?? ""
                var lines: [Substring] = []
                if let help = MetricNames.help[name] { lines.append(Substring("# HELP \(name) \(help)")) }
                lines.append(line)
                families.append((name, lines))
            } else if line.hasPrefix("# HELP ") {
                continue
            } else if !families.isEmpty {
                families[families.count - 1].lines.append(line)
            }
        }
        return families.sorted { $0.name < $1.name }
            .map { $0.lines.joined(separator: "\n") + "\n" }.joined()
    }
}
