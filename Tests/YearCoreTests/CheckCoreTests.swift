import Foundation
import Testing

@testable import YearCore

@Suite("Checks in the core: cron schedules, findings' difference, readiness")
struct CheckCoreTests {
    static let moscow = TimeZone(identifier: "Europe/Moscow")!
    static let berlin = TimeZone(identifier: "Europe/Berlin")!

    static func date(_ text: String) -> Date {
        (try? Date(text, strategy: .iso8601)) ?? Date(timeIntervalSince1970: 0)
    }

    @Test("a schedule fires at its wall-clock time in the school's time zone, on the days it names")
    func cronNext() throws {
        let weekdays = try CronSchedule("0 6 * * 1-5")
        // Friday 2026-11-27 05:59 Moscow (02:59 UTC): 06:00 the same day.
        #expect(
            weekdays.next(after: Self.date("2026-11-27T02:59:00Z"), timeZone: Self.moscow)
                == Self.date("2026-11-27T03:00:00Z"))
        // Friday after 06:00: Monday 06:00.
        #expect(
            weekdays.next(after: Self.date("2026-11-27T03:00:00Z"), timeZone: Self.moscow)
                == Self.date("2026-11-30T03:00:00Z"))
        let steps = try CronSchedule("*/15 8-9 1,15 jan,feb *")
        #expect(
            steps.next(after: Self.date("2027-01-01T09:50:00Z"), timeZone: TimeZone(identifier: "UTC")!)
                == Self.date("2027-01-15T08:00:00Z"))
        // Day of month and day of week both restricted: either matches (the 13th, or a Friday).
        let either = try CronSchedule("0 0 13 * 5")
        #expect(
            either.next(after: Self.date("2026-11-01T00:00:00Z"), timeZone: TimeZone(identifier: "UTC")!)
                == Self.date("2026-11-06T00:00:00Z"))
        // Across the spring change of clocks in Berlin: 06:00 is still 06:00 local.
        let daily = try CronSchedule("0 6 * * *")
        #expect(
            daily.next(after: Self.date("2027-03-28T00:00:00Z"), timeZone: Self.berlin)
                == Self.date("2027-03-28T04:00:00Z"))
        #expect(
            daily.previous(atOrBefore: Self.date("2027-03-29T03:00:00Z"), timeZone: Self.berlin)
                == Self.date("2027-03-28T04:00:00Z"))
        #expect(try CronSchedule("0 0 31 2 *").next(after: Date(), timeZone: Self.moscow) == nil)
        // A day field that starts with `*` leaves the other alone (Vixie): odd days that are Mondays.
        let oddMondays = try CronSchedule("0 6 */2 * 1")
        #expect(
            oddMondays.next(after: Self.date("2026-11-29T00:00:00Z"), timeZone: TimeZone(identifier: "UTC")!)
                == Self.date("2026-12-07T06:00:00Z"))
    }

    @Test(
        "malformed schedules are refused, naming the field",
        arguments: [
            ("0 6 * *", "five fields"), ("60 6 * * *", "minute"), ("0 6 * * 8", "day of week"),
            ("0 6 0 * *", "day of month"),
            ("0 6 * foo *", "month"), ("*/0 * * * *", "step"), ("5-1 * * * *", "backwards"), ("0,,1 * * * *", "minute"),
        ])
    func cronErrors(expression: String, named: String) {
        #expect {
            _ = try CronSchedule(expression)
        } throws: { error in
            "\(error)".contains(named)
        }
    }

    static func finding(_ check: String, _ id: String, _ severity: Severity = .error, class name: String? = nil)
        -> Finding
    {
        Finding(check: check, severity: severity, entityKind: "student", entityID: id, className: name, message: id)
    }

    @Test("the difference between runs: new and resolved findings only of checks both runs ran")
    func diff() {
        let previous = [Self.finding("consent.missing", "S1"), Self.finding("decision.missing", "S2")]
        let current = [Self.finding("consent.missing", "S3")]
        let diff = FindingDiff(
            previous: previous, previousChecks: ["consent.missing", "decision.missing"], current: current,
            currentChecks: ["consent.missing"])
        #expect(diff.new.map(\.entityID) == ["S3"])
        #expect(diff.resolved.map(\.entityID) == ["S1"])
        // A check the previous run did not run finds nothing new: nobody looked then.
        let after = FindingDiff(
            previous: [], previousChecks: ["consent.missing"], current: [Self.finding("decision.missing", "S2")],
            currentChecks: ["consent.missing", "decision.missing"])
        #expect(after.new.isEmpty && after.resolved.isEmpty)
    }

    @Test("readiness: errors block unless accepted, warnings never; counts by check and by class")
    func readiness() {
        let findings = [
            Self.finding("consent.missing", "S1", class: "5А"), Self.finding("consent.missing", "S2", class: "10А"),
            Self.finding("class.empty", "5Б", .warning, class: "5Б"), Self.finding("student.no-class", "S9"),
        ]
        let report = ReadinessReport(target: .start, checks: [], findings: findings, accepted: ["student.no-class"])
        #expect(!report.ready && report.blocking == ["consent.missing"])
        #expect(report.byCheck.map(\.check) == ["student.no-class", "consent.missing", "class.empty"])
        #expect(report.byClass.map(\.className) == ["5А", "5Б", "10А", nil])
        let accepted = ReadinessReport(
            target: .start, checks: [], findings: findings, accepted: ["student.no-class", "consent.missing"])
        #expect(accepted.ready)
        #expect(ReadinessReport(target: .close, checks: [], findings: [findings[2]]).ready)
    }

    @Test("the catalogue: unique ids, the checks of each report")
    func catalogue() {
        #expect(Set(CheckCatalogue.all.map(\.id)).count == CheckCatalogue.all.count)
        #expect(CheckCatalogue.checks(for: .start).allSatisfy { $0.phase != .close })
        #expect(CheckCatalogue.checks(for: .close).contains { $0.id == "grade.final-missing" })
    }

    @Test("docs/checks.md is what the catalogue generates")
    func reference() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/checks.md").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == CheckCatalogue.markdownReference(), "regenerate it: yeard --print-checks > docs/checks.md")
    }
}
