import Foundation
import Testing
import YearCore

@testable import YearReports

@Suite("A report of checks as text, CSV, JSON and HTML")
struct CheckReportRenderingTests {
    /// A run of the whole catalogue at school-a with one error of a readiness check and one warning, whose names
    /// carry markup.
    static func run() throws -> CheckRun {
        let start = try #require(CheckCatalogue.checks(for: .close).first)
        let year = AcademicYear(
            id: 1, school: "school-a", label: YearLabel(startYear: 2026),
            startDate: try #require(CalendarDate(year: 2026, month: 9, day: 1)),
            endDate: try #require(CalendarDate(year: 2027, month: 5, day: 31)), state: .inProgress, version: 1)
        let at = Date(timeIntervalSince1970: 1_790_000_000)
        return CheckRun(
            id: 4, school: "school-a", year: year, startedAt: at, finishedAt: at.addingTimeInterval(0.25),
            cause: .manual, checks: CheckCatalogue.all.map(\.id),
            findings: [
                Finding(
                    check: start.id, severity: .error, entityKind: "student", entityID: "S1", className: "5А",
                    message: "<script>alert(1)</script> Иванов"),
                Finding(
                    check: "class.empty", severity: .warning, entityKind: "class", entityID: "5Б", className: "5Б",
                    message: "no students"),
            ])
    }

    @Test("escaping for HTML works scalar by scalar, even joined to a neighbouring scalar")
    func htmlEscaping() {
        #expect(CheckReport.escape("\u{600}<img src=x>") == "\u{600}&lt;img src=x&gt;")
        #expect(CheckReport.escape("O'Neil \"x\u{301}\" & Co") == "O&#39;Neil &quot;x\u{301}&quot; &amp; Co")
    }

    @Test("a readiness report says its verdict in every format; markup in a message is text in HTML")
    func readinessInEveryFormat() throws {
        let report = CheckReport(readiness: .close, of: try Self.run())
        #expect(report.ready == false)
        let text = try report.rendered(as: .text)
        #expect(text.contains("NOT READY to close: errors of \(report.blocking.joined(separator: ", "))"))
        let html = try report.rendered(as: .html)
        #expect(html.contains("class=\"verdict blocked\""))
        #expect(!html.contains("<script>") && html.contains("&lt;script&gt;alert(1)&lt;/script&gt; Иванов"))
        let csv = try report.rendered(as: .csv).split(separator: "\n")
        #expect(csv.first == "check,severity,entity_kind,entity_id,class,message")
        #expect(csv.count == 1 + report.findings.count)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let decoded = try decoder.decode(CheckReport.self, from: Data(try report.rendered(as: .json).utf8))
        #expect(decoded.findings == report.findings && decoded.ready == false)
    }

    @Test("the report of a whole run has no verdict and says when nothing was found")
    func wholeRun() throws {
        var run = try Self.run()
        run = CheckRun(
            id: run.id, school: run.school, year: run.year, startedAt: run.startedAt, finishedAt: run.finishedAt,
            cause: run.cause, checks: run.checks, findings: [])
        let report = CheckReport(run: run)
        #expect(report.ready == nil)
        #expect(
            try !report.rendered(as: .text).contains("READY") && report.rendered(as: .text).contains("Nothing found."))
        #expect(try report.rendered(as: .html).contains("<p>Nothing found.</p>"))
    }
}
