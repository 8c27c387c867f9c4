import Foundation
import Logging
import YearCore
import YearProtocol
import YearStore

@testable import YearDaemon

/// A daemon's state and dispatcher over a real database file, without a socket: one caller per role.
struct DaemonFixture {
    let directory: URL
    let state: DaemonState
    let dispatcher: Dispatcher

    /// uid 1000 + index of the role in `Role.allCases`; uid 999 holds nothing.
    static func caller(_ role: Role?) -> Caller {
        let uid = role.map { UInt32(1000 + (Role.allCases.firstIndex(of: $0) ?? 0)) } ?? 999
        return Caller(uid: uid, gid: 100, userName: role?.rawValue ?? "nobody")
    }

    /// A fixture whose school-a (in Moscow time) runs its checks on `schedule`, when given; `extra` is appended to
    /// its configuration; the handlers' journal events go to `logger`.
    /// `daemon` is added to its `[daemon]` table.
    init(schedule: String? = nil, extra: String = "", daemon: String = "", logger: Logger = Logger(label: "test"))
        async throws
    {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("yeard-daemon-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let text = """
            [daemon]
            state_dir = "\(directory.path)"
            \(daemon)
            [[school]]
            id = "school-a"
            time_zone = "Europe/Moscow"
            \(schedule.map { "checks_schedule = \"\($0)\"" } ?? "")
            [[school]]
            id = "school-b"
            """
            + Role.allCases.map { "\n[[grant]]\nrole = \"\($0.rawValue)\"\nuid = \(Self.caller($0).uid)\n" }.joined()
            + "\n" + extra
        let configuration = try DaemonConfiguration.parse(text, source: "test.toml")
        let database = try YearDatabase(path: configuration.databasePath)
        try await database.applyConfiguredSchools(configuration.schools)
        let uploads = try UploadStore(directory: directory.appendingPathComponent("uploads").path)
        state = DaemonState(
            database: database, uploads: uploads, configuration: configuration, version: "test", logger: logger)
        dispatcher = Dispatcher(state: state, logger: Logger(label: "test"))
    }

    /// Sends `json` as `caller` and returns the reply as a value (nil for no reply; `{"closedAfter": reply}` when
    /// the daemon would close the connection after the reply).
    func send(raw json: String, as caller: Caller) async -> JSONValue? {
        switch await dispatcher.handle(Data(json.utf8), from: caller) {
        case .reply(let data): return JSONValue.parseCanonical(String(decoding: data, as: UTF8.self))
        case .none: return nil
        case .replyAndClose(let data, _):
            return .object(["closedAfter": JSONValue.parseCanonical(String(decoding: data, as: UTF8.self)) ?? .null])
        }
    }

    /// Calls `method` with `parameters` as `caller`.
    func call(_ method: String, _ parameters: JSONValue = .object([:]), as caller: Caller) async -> JSONValue? {
        await send(
            raw: JSONValue.object(["method": .string(method), "parameters": parameters]).canonicalText, as: caller)
    }
}

extension JSONValue {
    /// The `error` field of a reply.
    var errorName: String? {
        if case .string(let name)? = self["error"] { return name }
        return nil
    }
}
