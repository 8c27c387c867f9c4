import Foundation
import Testing
import YearCore

@Suite("Wall-clock times for file names and status lines, without ICU's formatter")
struct WallClockTests {
    static func date(_ text: String) throws -> Date { try Date(text, strategy: .iso8601) }

    @Test("a file stamp is the UTC time, zero-padded, and sorts as time does")
    func fileStamp() throws {
        #expect(WallClock.fileStamp(try Self.date("2026-11-29T11:46:42Z")) == "20261129-114642")
        #expect(WallClock.fileStamp(try Self.date("2027-01-02T03:04:05Z")) == "20270102-030405")
        #expect(WallClock.fileStamp(try Self.date("2026-12-31T23:59:59.999Z")) == "20261231-235959")
        let times = stride(from: 0.0, to: 86400 * 400, by: 86400 * 7 + 3607).map {
            try? Self.date("2026-01-01T00:00:00Z").addingTimeInterval($0)
        }.compactMap { $0 }
        #expect(times.map(WallClock.fileStamp) == times.map(WallClock.fileStamp).sorted())
    }

    @Test("hour and minute are the school's wall clock, across a change of daylight saving time")
    func hourMinute() throws {
        let moscow = try #require(TimeZone(identifier: "Europe/Moscow"))
        #expect(WallClock.hourMinute(try Self.date("2026-11-30T03:00:05Z"), in: moscow) == "06:00")
        #expect(WallClock.hourMinute(try Self.date("2026-11-30T21:07:00Z"), in: moscow) == "00:07")
        let newYork = try #require(TimeZone(identifier: "America/New_York"))
        #expect(WallClock.hourMinute(try Self.date("2026-07-01T10:30:00Z"), in: newYork) == "06:30")
        #expect(WallClock.hourMinute(try Self.date("2026-12-01T10:30:00Z"), in: newYork) == "05:30")
        #expect(WallClock.hourMinute(try Self.date("2026-12-01T10:30:00Z"), in: .gmt) == "10:30")
    }
}
