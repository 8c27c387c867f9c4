import Foundation
import Testing
import YearCore

@Suite("Dates, labels and canonical JSON")
struct ValueTests {
    @Test("dates parse only when they exist")
    func dates() {
        #expect(CalendarDate(iso: "2028-02-29") != nil)
        #expect(CalendarDate(iso: "2027-02-29") == nil)
        #expect(CalendarDate(iso: "2026-13-01") == nil)
        #expect(CalendarDate(iso: "2026-9-01") == nil)
        #expect(CalendarDate(iso: "２０２６-09-01") == nil)
        #expect(CalendarDate(iso: "2026-09-01")?.description == "2026-09-01")
    }

    @Test("weekdays are right across leap years", arguments: [(2024, 7), (2030, 7), (2026, 2), (2000, 5), (2100, 3)])
    func weekdays(year: Int, weekday: Int) {
        #expect(CalendarDate(year: year, month: 9, day: 1)?.isoWeekday == weekday)
    }

    @Test("day numbers and dates convert both ways, day by day over four centuries' edges")
    func dayNumbers() throws {
        var date = try #require(CalendarDate(year: 1899, month: 12, day: 30))
        let start = date.daysSinceEpoch
        // Every day from Excel's epoch to 2101, one step at a time against the month-walking `adding`.
        for offset in 0..<73_000 {
            #expect(CalendarDate(daysSinceEpoch: start + offset) == date)
            date = try #require(date.adding(days: 1))
        }
        #expect(CalendarDate(daysSinceEpoch: 0)?.description == "0001-01-01")
        #expect(CalendarDate(daysSinceEpoch: -1) == nil)
        let first = try #require(CalendarDate(year: 2026, month: 9, day: 1))
        #expect(try #require(CalendarDate(year: 1899, month: 12, day: 30)).days(until: first) == 46_266)
        #expect(first.days(until: try #require(CalendarDate(year: 2026, month: 8, day: 31))) == -1)
    }

    @Test("a default start on a Sunday moves to Monday; 29 February ends fall back in common years")
    func defaultDates() throws {
        let school = School(
            id: "s", name: "S", timeZone: "UTC", firstGrade: 1, lastGrade: 11, graduatingGrades: [9, 11],
            defaultStart: try #require(MonthDay("09-01")), defaultEnd: try #require(MonthDay("02-29")),
            startSkipsSunday: true)
        let in2024 = try #require(school.defaultDates(for: YearLabel(startYear: 2024)))
        #expect(in2024.start.description == "2024-09-02")
        #expect(in2024.end.description == "2025-02-28")
        let in2027 = try #require(school.defaultDates(for: YearLabel(startYear: 2027)))
        #expect(in2027.start.description == "2027-09-01")
        #expect(in2027.end.description == "2028-02-29")
    }

    @Test("a start configured on a month's last day that falls on a Sunday moves to the next month's first")
    func sundayAtMonthEnd() throws {
        // 31 August 2025 and 31 August 2031 are Sundays.
        let school = School(
            id: "s", name: "S", timeZone: "UTC", firstGrade: 1, lastGrade: 11, graduatingGrades: [9, 11],
            defaultStart: try #require(MonthDay("08-31")), defaultEnd: try #require(MonthDay("05-31")),
            startSkipsSunday: true)
        #expect(try #require(school.defaultDates(for: YearLabel(startYear: 2025))).start.description == "2025-09-01")
        #expect(try #require(school.defaultDates(for: YearLabel(startYear: 2031))).start.description == "2031-09-01")
        #expect(try #require(school.defaultDates(for: YearLabel(startYear: 2026))).start.description == "2026-08-31")
    }

    @Test("labels are two consecutive years")
    func labels() {
        #expect(YearLabel("2026/2027")?.startYear == 2026)
        for bad in ["2026/2028", "2026-2027", "26/27", "2027/2026", "", "2026/2027/2028"] {
            #expect(YearLabel(bad) == nil, "\(bad)")
        }
    }

    @Test("canonical JSON sorts keys and escapes only what JSON requires")
    func canonical() {
        let value: JSONValue = .object([
            "b": .array([1, true, .null, .double(2.0), .double(0.5)]), "a": "Школа \"№1\"\n/\u{01}",
        ])
        #expect(value.canonicalText == #"{"a":"Школа \"№1\"\n/\u0001","b":[1,true,null,2,0.5]}"#)
        #expect(JSONValue.parseCanonical(value.canonicalText) == value.parseRoundTripped)
        // Keys by their UTF-8 bytes (U+001F < "Z" < "a" < "z" < "é" < "я"), every control character escaped, the rest kept.
        let keys: JSONValue = .object([
            "я": 1, "é": 2, "z": 3, "a": 4, "Z": 5, "": 6, "aa": 7, "\u{1F}\t\u{7F}\\": "\u{08}\u{0C}\r\u{1F}😀",
        ])
        #expect(
            keys.canonicalText
                == #"{"":6,"\u001f\t\#u{7F}\\":"\b\f\r\u001f😀","Z":5,"a":4,"aa":7,"z":3,"é":2,"я":1}"#)
    }

    @Test("roles come only from grants: by user, uid, group or gid, per school or everywhere")
    func grants() {
        let policy = AccessPolicy(grants: [
            RoleGrant(role: .admin, subject: .user("alice"), school: nil),
            RoleGrant(role: .coordinator, subject: .group("deputies"), school: "a"),
            RoleGrant(role: .auditor, subject: .gid(700), school: "b"),
            RoleGrant(role: .teacher, subject: .uid(1234), school: "a"),
        ])
        let alice = Caller(uid: 1234, gid: 100, groups: [100, 700], userName: "alice", groupNames: ["deputies"])
        #expect(policy.roles(of: alice, at: "a") == [.admin, .coordinator, .teacher])
        #expect(policy.roles(of: alice, at: "b") == [.admin, .auditor])
        let root = Caller(uid: 0, gid: 0, userName: "root", groupNames: ["root"])
        #expect(policy.roles(of: root, at: "a").isEmpty)
        #expect(policy.schools(of: alice, holding: [.auditor], among: ["a", "b"]) == ["b"])
    }
}

extension JSONValue {
    /// The value as it reads back from JSON (whole doubles become integers).
    fileprivate var parseRoundTripped: JSONValue {
        switch self {
        case .double(let value) where value == value.rounded(): .int(Int64(value))
        case .array(let values): .array(values.map(\.parseRoundTripped))
        case .object(let fields): .object(fields.mapValues(\.parseRoundTripped))
        default: self
        }
    }
}
