import Foundation
import Logging
import YearCore
import YearStore

/// `yeard --demo DIR`: a configuration, a school and a year to try yeard on one machine.
public enum Demo {
    /// The demo school's id.
    public static let schoolID = "demo-school"

    /// Writes `DIR/yeard.toml` unless it exists, and returns its path.
    ///
    /// The user who runs the demo is the admin (and an auditor). The coordinator must be a different person:
    /// root when the demo runs as an ordinary user (`sudo yearctl ...`), else the user `nobody`
    /// (`runuser -u nobody -- yearctl ...`). The socket is 0666 so that the second user can connect; connecting
    /// grants nothing by itself, the roles come only from the grants below.
    public static func prepare(directory: String) throws -> String {
        let root = ConfigurationOverrides.absolute(directory)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let path = root + "/yeard.toml"
        if FileManager.default.fileExists(atPath: path) { return path }
        let uid = getuid()
        let me = PeerIdentity.userName(uid) ?? String(uid)
        let coordinator = uid == 0 ? "nobody" : "root"
        let approver = uid == 0 ? "runuser -u nobody -- $(command -v yearctl)" : "sudo $(command -v yearctl)"
        let text = """
            # yeard demo configuration, written by `yeard --demo`. Edit it and send SIGHUP to reload.
            # Try the two-person approval on one machine:
            #   export YEARD_SOCKET=\(root)/control.sock
            #   yearctl year list                              # as \(me), the admin
            #   yearctl year start 1 --reason "lessons begin"  # files request 1
            #   \(approver) --socket $YEARD_SOCKET request approve 1
            #   yearctl audit verify

            [daemon]
            state_dir = "\(root)"
            socket = "\(root)/control.sock"
            socket_mode = "0666"
            log_level = "info"

            [[school]]
            id = "\(schoolID)"
            name = "Demo School No. 1"
            time_zone = "Europe/Moscow"
            first_grade = 1
            last_grade = 11
            graduating_grades = [9, 11]
            default_start = "09-01"
            default_end = "05-31"

            [[grant]]
            role = "admin"
            user = "\(me)"

            [[grant]]
            role = "auditor"
            user = "\(me)"

            [[grant]]
            role = "coordinator"
            user = "\(coordinator)"

            """
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Creates the current academic year at the demo school when the school has no year yet.
    static func ensureYear(database: YearDatabase, configuration: DaemonConfiguration, logger: Logger) async throws {
        guard configuration.schools.contains(where: { $0.id == schoolID }),
            try await database.years(of: [schoolID]).isEmpty
        else { return }
        let now = Calendar(identifier: .gregorian).dateComponents(in: TimeZone.gmt, from: Date())
        let startYear = (now.month ?? 9) >= 7 ? (now.year ?? 2026) : (now.year ?? 2026) - 1
        let year = try await database.createYear(
            school: schoolID, label: YearLabel(startYear: startYear), startDate: nil, endDate: nil,
            caller: .daemon)
        logger.notice("demo year created", metadata: ["year": "\(year.label)", "id": "\(year.id)"])
    }
}
