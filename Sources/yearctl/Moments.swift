import Foundation
import YearCore
import YearProtocol

/// The moments the daemon sends (ISO 8601 in UTC) as a person reads them: on the school's wall clock, in the
/// caller's language. The schools' zones come from `io.yeard.Year.ListSchools`, asked only for human output.
struct Moments {
    /// The time zones of the schools the caller sees.
    let zones: [String: TimeZone]
    /// The language.
    let l: Localizer

    /// The zones of the caller's schools (none when the call fails: moments are then shown in UTC).
    static func fetch(_ options: GlobalOptions) async -> Moments {
        var zones: [String: TimeZone] = [:]
        if !options.json,
            let reply = try? await VarlinkSession.withConnection(
                path: options.socketPath, { try await $0.call(YeardAPI.Year.listSchools, NoParameters()) })
        {
            for school in reply.schools { zones[school.id] = TimeZone(identifier: school.timeZone) }
        }
        return Moments(zones: zones, l: options.l)
    }

    /// `moment` (ISO 8601) on `school`'s wall clock, `01.09.2026 08:30` in Russian; text that is not a moment is
    /// shown as it is.
    func callAsFunction(_ moment: String?, school: String) -> String {
        guard let moment else { return "-" }
        let parsed =
            (try? Date(moment, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
            ?? (try? Date(moment, strategy: Date.ISO8601FormatStyle()))
        guard let parsed else { return moment }
        guard let zone = zones[school] else {
            // No school's clock applies (ListSchools failed, or a row of no school): say that it is UTC.
            return l.tr("{moment} UTC", ["moment": l.moment(parsed, in: .gmt)])
        }
        return l.moment(parsed, in: zone)
    }
}
