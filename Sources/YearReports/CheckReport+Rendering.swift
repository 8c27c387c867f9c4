import Foundation
import YearCore

// How a report of checks reads: as text, CSV, JSON and a self-contained HTML page. Kept out of YearCore, which
// decides, so that the documents of the school (issue 16's reports) grow here beside it.
extension CheckReport {
    /// The report in `format`.
    public func rendered(as format: Format) -> String {
        switch format {
        case .text: text
        case .csv: csv
        case .json: json
        case .html: html
        }
    }

    /// `READY to close` or `NOT READY to close: errors of ...`, for a readiness report.
    var verdict: String? {
        guard let ready, let target else { return nil }
        return ready
            ? "READY to \(target.rawValue)"
            : "NOT READY to \(target.rawValue): errors of \(blocking.joined(separator: ", "))"
    }

    /// Plain text: a summary, counts by check and by class, then every finding.
    public var text: String {
        var lines = [title]
        if let verdict { lines.append(verdict) }
        lines.append(
            "\(count(.error)) error(s), \(count(.warning)) warning(s) from \(checks.count) check(s); run \(run), "
                + "\(startedAt.formatted(.iso8601)), \(durationMs) ms")
        guard !findings.isEmpty else { return (lines + ["", "Nothing found."]).joined(separator: "\n") + "\n" }
        lines += [
            "", "By check:",
            TextTable.render(
                ["CHECK", "SEVERITY", "FINDINGS", "BLOCKS"],
                byCheck.map { [$0.check, $0.severity.rawValue, String($0.count), $0.blocking ? "yes" : "no"] },
                empty: ""),
            "", "By class:",
            TextTable.render(
                ["CLASS", "ERRORS", "WARNINGS"],
                byClass.map { [$0.className ?? "(no class)", String($0.errors), String($0.warnings)] }, empty: ""),
            "",
            TextTable.render(
                ["SEVERITY", "CHECK", "CLASS", "ENTITY", "MESSAGE"],
                findings.map {
                    [
                        $0.severity.rawValue, $0.check, $0.className ?? "-", "\($0.entityKind) \($0.entityID)",
                        $0.message,
                    ]
                }, empty: ""),
        ]
        if ready == false {
            lines += [
                "",
                "Fix these, or approve the transition with --accept CHECK --reason TEXT for each error check you accept.",
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// CSV: one line per finding, the columns of the JSON (`check,severity,entity_kind,entity_id,class,message`).
    public var csv: String {
        CSVWriter.line(["check", "severity", "entity_kind", "entity_id", "class", "message"])
            + findings.map {
                CSVWriter.line([$0.check, $0.severity.rawValue, $0.entityKind, $0.entityID, $0.className, $0.message])
            }.joined()
    }

    /// JSON, with sorted keys and ISO 8601 dates.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

extension CheckReport {
    /// `text` with `&`, `<`, `>` and quotes escaped for HTML: scalar by scalar, since a `<` joined to a neighbour
    /// in one grapheme (after U+0600, say) is still a `<` to the browser.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// A horizontal bar chart as inline SVG: one row per label, errors (red) then warnings (amber) stacked.
    static func chart(_ rows: [(label: String, errors: Int, warnings: Int)], title: String) -> String {
        guard !rows.isEmpty else { return "" }
        let most = max(rows.map { $0.errors + $0.warnings }.max() ?? 1, 1)
        let labelWidth = 230, barWidth = 420, rowHeight = 22
        let height = rows.count * rowHeight + 10
        var svg = """
            <figure><figcaption>\(escape(title))</figcaption>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(labelWidth + barWidth + 60)" height="\(height)" \
            role="img" aria-label="\(escape(title))">
            """
        for (index, row) in rows.enumerated() {
            let y = index * rowHeight + 5
            let errorWidth = row.errors * barWidth / most, warningWidth = row.warnings * barWidth / most
            svg += """
                <text x="\(labelWidth - 6)" y="\(y + 15)" text-anchor="end">\(escape(row.label))</text>\
                <rect x="\(labelWidth)" y="\(y + 3)" width="\(max(errorWidth, row.errors > 0 ? 2 : 0))" height="16" \
                class="e"/><rect x="\(labelWidth + errorWidth)" y="\(y + 3)" \
                width="\(max(warningWidth, row.warnings > 0 ? 2 : 0))" height="16" class="w"/>\
                <text x="\(labelWidth + errorWidth + warningWidth + 6)" y="\(y + 15)">\(row.errors + row.warnings)</text>

                """
        }
        return svg + "</svg></figure>\n"
    }

    /// A self-contained HTML page (no external assets): the verdict, charts of findings by check and by class, the
    /// counts and every finding; printable.
    public var html: String {
        let summary =
            "\(count(.error)) error(s), \(count(.warning)) warning(s) from \(checks.count) check(s); run \(run), "
            + "\(startedAt.formatted(.iso8601)), \(durationMs) ms"
        let verdictClass = ready == nil ? "" : ready == true ? "ready" : "blocked"
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(Self.escape(title))</title>
            <style>
            body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 2em; color: #222; }
            h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 1.6em; }
            .verdict { font-size: 1.2em; font-weight: bold; padding: .4em .8em; display: inline-block; }
            .ready { background: #d8f0d8; color: #14541a; } .blocked { background: #f8d8d8; color: #7a1010; }
            table { border-collapse: collapse; margin-top: .5em; }
            th, td { border: 1px solid #bbb; padding: .2em .5em; text-align: left; vertical-align: top; }
            th { background: #eee; } td.n { text-align: right; }
            tr.error td:first-child { color: #a01010; font-weight: bold; } tr.warning td:first-child { color: #8a5a00; }
            svg text { font-size: 12px; fill: #222; } rect.e { fill: #c62828; } rect.w { fill: #f0a000; }
            figure { margin: 1em 0; } figcaption { font-weight: bold; margin-bottom: .3em; }
            @media print { body { margin: 0; } tr { break-inside: avoid; } }
            </style></head><body>
            <h1>\(Self.escape(title))</h1>

            """
        if let verdict { page += "<p class=\"verdict \(verdictClass)\">\(Self.escape(verdict))</p>\n" }
        page += "<p>\(Self.escape(summary))</p>\n"
        if findings.isEmpty {
            page += "<p>Nothing found.</p>\n"
        } else {
            page += Self.chart(
                byCheck.map {
                    ($0.check, $0.severity == .error ? $0.count : 0, $0.severity == .warning ? $0.count : 0)
                }, title: "Findings by check")
            page += Self.chart(
                byClass.map { ($0.className ?? "(no class)", $0.errors, $0.warnings) }, title: "Findings by class")
            page +=
                "<h2>By check</h2>\n<table><tr><th>Check</th><th>Severity</th><th>Findings</th><th>Blocks</th></tr>\n"
            for row in byCheck {
                page +=
                    "<tr class=\"\(row.severity.rawValue)\"><td>\(Self.escape(row.check))</td><td>\(row.severity.rawValue)</td>"
                    + "<td class=\"n\">\(row.count)</td><td>\(row.blocking ? "yes" : "no")</td></tr>\n"
            }
            page += "</table>\n<h2>Findings</h2>\n"
            page += "<table><tr><th>Severity</th><th>Check</th><th>Class</th><th>Entity</th><th>Message</th></tr>\n"
            for finding in findings {
                page +=
                    "<tr class=\"\(finding.severity.rawValue)\"><td>\(finding.severity.rawValue)</td>"
                    + "<td>\(Self.escape(finding.check))</td><td>\(Self.escape(finding.className ?? "-"))</td>"
                    + "<td>\(Self.escape("\(finding.entityKind) \(finding.entityID)"))</td>"
                    + "<td>\(Self.escape(finding.message))</td></tr>\n"
            }
            page += "</table>\n"
        }
        if ready == false {
            page +=
                "<p>Fix these, or approve the transition with <code>--accept CHECK --reason TEXT</code> for each error "
                + "check you accept.</p>\n"
        }
        return page + "</body></html>\n"
    }
}
