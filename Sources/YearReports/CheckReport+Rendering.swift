import Foundation
import YearCore

// How a report of checks reads: as text, CSV, JSON and a self-contained HTML page. Kept out of YearCore, which
// decides, so that the documents of the school (issue 16's reports) grow here beside it.
extension CheckReport {
    /// The report in `format`, its words in `l`'s language and its times on the wall clock of `zone` (the school's).
    /// JSON is the same in every language: it is for programs.
    /// HTML comes from the templates given, else the shipped ones with the installation's replacements.
    public func rendered(
        as format: Format, _ l: Localizer = .english, zone: TimeZone = .gmt, templates: Templates? = nil
    ) throws -> String {
        switch format {
        case .text: text(l, zone: zone)
        case .csv: csv(l)
        case .json: json
        case .html: try html(l, zone: zone, templates: templates ?? Templates())
        }
    }

    /// `Readiness to close: school-a, 2026/2027` or `Checks of school-a, 2026/2027`.
    func title(_ l: Localizer) -> String {
        let a = ["school": school, "year": year, "target": target?.name(l) ?? ""]
        return target == nil
            ? l.tr("Checks of {school}, {year}", a) : l.tr("Readiness to {target}: {school}, {year}", a)
    }

    /// `READY to close` or `NOT READY to close: errors of ...`, for a readiness report.
    func verdict(_ l: Localizer) -> String? {
        guard let ready, let target else { return nil }
        let a = ["target": target.name(l), "checks": blocking.joined(separator: ", ")]
        return ready ? l.tr("READY to {target}", a) : l.tr("NOT READY to {target}: errors of {checks}", a)
    }

    /// The counts, the run and when it ran: `2 errors, 1 warning from 36 checks; run 7, 2026-09-01 06:00, 48 ms`.
    func summary(_ l: Localizer, zone: TimeZone) -> String {
        l.tr(
            "{errors}, {warnings} from {checks}; run {run}, {started}, {duration} ms",
            [
                "errors": l.trn("{count} error", "{count} errors", count(.error)),
                "warnings": l.trn("{count} warning", "{count} warnings", count(.warning)),
                // TRANSLATORS: after "from": Russian "из 1 проверки", "из 5 проверок".
                "checks": l.trnc("after from", "{count} check", "{count} checks", checks.count),
                "run": String(run), "started": l.moment(startedAt, in: zone), "duration": l.number(durationMs),
            ])
    }

    /// Plain text: a summary, counts by check and by class, then every finding.
    func text(_ l: Localizer, zone: TimeZone) -> String {
        var lines = [title(l)]
        if let verdict = verdict(l) { lines.append(verdict) }
        lines.append(summary(l, zone: zone))
        guard !findings.isEmpty else { return (lines + ["", l.tr("Nothing found.")]).joined(separator: "\n") + "\n" }
        lines += [
            "", l.tr("By check:"),
            TextTable.render(
                [
                    l.trc("table heading", "CHECK"), l.trc("table heading", "SEVERITY"),
                    l.trc("table heading", "FINDINGS"), l.trc("table heading", "BLOCKS"),
                ],
                byCheck.map {
                    [
                        $0.check, $0.severity.name(l), l.number($0.count),
                        $0.blocking ? l.trc("answer", "yes") : l.trc("answer", "no"),
                    ]
                },
                empty: ""),
            "", l.tr("By class:"),
            TextTable.render(
                [
                    l.trc("table heading", "CLASS"), l.trc("table heading", "ERRORS"),
                    l.trc("table heading", "WARNINGS"),
                ],
                byClass.map { [$0.className ?? l.tr("(no class)"), l.number($0.errors), l.number($0.warnings)] },
                empty: ""),
            "",
            TextTable.render(
                [
                    l.trc("table heading", "SEVERITY"), l.trc("table heading", "CHECK"),
                    l.trc("table heading", "CLASS"), l.trc("table heading", "ENTITY"),
                    l.trc("table heading", "MESSAGE"),
                ],
                findings.map {
                    [
                        $0.severity.name(l), $0.check, $0.className ?? "-", "\($0.entityKind) \($0.entityID)",
                        $0.message(l),
                    ]
                }, empty: ""),
        ]
        if ready == false {
            lines += [
                "",
                l.tr(
                    "Fix these, or approve the transition with --accept CHECK --reason TEXT for each error check you accept."
                ),
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// CSV: one line per finding, the columns of the JSON (`check,severity,entity_kind,entity_id,class,message`),
    /// the message in `l`'s language (the other columns are values, the same in every language).
    func csv(_ l: Localizer) -> String {
        CSVWriter.line(["check", "severity", "entity_kind", "entity_id", "class", "message"])
            + findings.map {
                CSVWriter.line([
                    $0.check, $0.severity.rawValue, $0.entityKind, $0.entityID, $0.className, $0.message(l),
                ])
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
    static func escape(_ text: String) -> String { HTML.escape(text) }

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

    /// A self-contained HTML page (no external assets, readiness.mustache): the verdict, charts of findings by
    /// check and by class, the counts and every finding; printable on A4 with the school and the day on each page.
    func html(_ l: Localizer, zone: TimeZone, templates: Templates) throws -> String {
        let words = [
            "byCheck": l.tr("By check"), "findingsHeading": l.tr("Findings"), "check": l.trc("column", "Check"),
            "severity": l.trc("column", "Severity"), "findings": l.trc("column", "Findings"),
            "blocks": l.trc("column", "Blocks"), "class": l.trc("column", "Class"),
            "entity": l.trc("column", "Entity"), "message": l.trc("column", "Message"),
        ]
        let model: [String: Any] = [
            "verdict": verdict(l) ?? false, "verdictClass": ready == nil ? "" : ready == true ? "ready" : "blocked",
            "summary": summary(l, zone: zone), "nothing": l.tr("Nothing found."), "hasFindings": !findings.isEmpty,
            "words": words,
            "chartByCheck": Self.chart(
                byCheck.map {
                    ($0.check, $0.severity == .error ? $0.count : 0, $0.severity == .warning ? $0.count : 0)
                }, title: l.tr("Findings by check")),
            "chartByClass": Self.chart(
                byClass.map { ($0.className ?? l.tr("(no class)"), $0.errors, $0.warnings) },
                title: l.tr("Findings by class")),
            "byCheck": byCheck.map { row -> [String: Any] in
                [
                    "severityCode": row.severity.rawValue, "check": row.check, "severity": row.severity.name(l),
                    "count": l.number(row.count),
                    "blocks": row.blocking ? l.trc("answer", "yes") : l.trc("answer", "no"),
                ]
            },
            "findings": findings.map { finding -> [String: Any] in
                [
                    "severityCode": finding.severity.rawValue, "severity": finding.severity.name(l),
                    "check": finding.check, "className": finding.className ?? "-",
                    "entity": "\(finding.entityKind) \(finding.entityID)", "message": finding.message(l),
                ]
            },
            "fix": ready == false
                ? l.tr(
                    "Fix these, or approve the transition with --accept CHECK --reason TEXT for each error check you accept."
                ) : false,
        ]
        let page = DocumentPage(
            title: title(l), school: school,
            printed: CalendarDate(Date(), timeZone: zone.identifier)?.description ?? "")
        return try templates.render("readiness", page.model(l, model))
    }
}
