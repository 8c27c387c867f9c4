import Dispatch
import Foundation
import Logging
import YearCore
import YearProtocol
import YearStore

@testable import YearDaemon

extension FuzzTarget {
    /// Every method's parameters against the method table, through the daemon's own dispatcher and a real database.
    ///
    /// The first byte picks the method (every method of every interface), the second the caller (each role, or no
    /// role); the rest is sent as the call's `parameters`, whatever it is. Oracles: the dispatcher answers (a oneway
    /// call excepted) with one message that is strict JSON without a NUL, and an error it names is declared by its
    /// interface's description, so that every Varlink client can read it.
    static let dispatch = FuzzTarget(name: "dispatch") { input in
        guard input.count >= 2 else { return }
        let fixture = DispatchFixture.shared
        let method = DispatchFixture.methods[Int(input[0]) % DispatchFixture.methods.count]
        let callers = Role.allCases.map(Optional.some) + [nil]
        let caller = DispatchFixture.caller(callers[Int(input[1]) % callers.count])
        var message = Array(#"{"method":""#.utf8) + Array(method.utf8) + Array(#"","parameters":"#.utf8)
        message += input.dropFirst(2)
        message += Array("}".utf8)
        let frame = Data(message)
        let outcome = blocking { await fixture.dispatcher.handle(frame, from: caller) }
        let reply: Data
        switch outcome {
        case .none: return
        case .reply(let data): reply = data
        case .replyAndClose(let data, _): reply = data
        }
        if reply.contains(0) { fail("the reply holds a NUL byte", input: input) }
        guard let value = try? StrictJSON.parse(reply) else {
            fail("the reply is not strict JSON: \(String(decoding: reply.prefix(300), as: UTF8.self))", input: input)
        }
        if case .string(let error)? = value["error"], !DispatchFixture.declaredErrors.contains(error) {
            fail("\(method) answered \(error), which no interface declares", input: input)
        }
    }
}

/// A daemon's state and dispatcher over a database in a temporary directory (on /dev/shm when it exists, so that
/// the fsync of every mutating call costs little), with one school and one uid per role.
final class DispatchFixture: Sendable {
    let dispatcher: Dispatcher

    /// The fixture all inputs share: the database grows with the calls that succeed, as a daemon's would.
    static let shared: DispatchFixture = blocking {
        do {
            return try await DispatchFixture()
        } catch {
            FileHandle.standardError.write(Data("yeard-fuzz: cannot set up the daemon: \(error)\n".utf8))
            exit(2)
        }
    }

    /// Every method's qualified name, sorted, so that a byte names the same method in every run.
    static let methods = YeardAPI.methods.keys.sorted()

    /// Every error name some interface declares.
    static let declaredErrors: Set<String> = Set(
        YeardAPI.interfaces.flatMap { interface in
            interface.errors.split(separator: "\n").compactMap { line -> String? in
                let words = line.split(separator: " ")
                guard words.count >= 2, words[0] == "error" else { return nil }
                return "\(interface.name).\(words[1].prefix { $0 != "(" })"
            }
        })

    /// A logger that drops everything: the daemon's log lines would only slow the fuzzer down.
    static let silent = Logger(label: "fuzz") { _ in SwiftLogNoOpLogHandler() }

    /// uid 1000 + the role's index; uid 999 holds no role.
    static func caller(_ role: Role?) -> Caller {
        let uid = role.map { UInt32(1000 + (Role.allCases.firstIndex(of: $0) ?? 0)) } ?? 999
        return Caller(uid: uid, gid: 100, userName: role?.rawValue ?? "nobody")
    }

    private init() async throws {
        // scripts/fuzz names a directory it removes afterwards.
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let directory = URL(
            fileURLWithPath: ProcessInfo.processInfo.environment["YEARD_FUZZ_STATE_DIR"]
                ?? (base as NSString).appendingPathComponent("yeard-fuzz-\(getpid())"))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let text =
            """
            [daemon]
            state_dir = "\(directory.path)"
            [[school]]
            id = "school-a"
            time_zone = "Europe/Moscow"
            """
            + Role.allCases.map { "\n[[grant]]\nrole = \"\($0.rawValue)\"\nuid = \(Self.caller($0).uid)\n" }.joined()
        let configuration = try DaemonConfiguration.parse(text, source: "fuzz.toml")
        let database = try YearDatabase(path: configuration.databasePath)
        try await database.applyConfiguredSchools(configuration.schools)
        let uploads = try UploadStore(directory: directory.appendingPathComponent("uploads").path)
        let state = DaemonState(
            database: database, uploads: uploads, configuration: configuration, version: "fuzz",
            logger: Self.silent)
        dispatcher = Dispatcher(state: state, logger: Self.silent)
    }
}

/// The result of async work that a synchronous caller waits for.
///
/// `@unchecked Sendable`: `value` is written once by the task before it signals the semaphore, and read by the
/// waiting thread only after the semaphore's wait returns, so the write happens before the read.
private final class Handoff<T>: @unchecked Sendable {
    var value: T?
}

/// Runs `body` on the cooperative pool and waits for it: libFuzzer calls the target synchronously, from its own
/// thread, which is not one of the pool's.
func blocking<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    let semaphore = DispatchSemaphore(value: 0)
    let handoff = Handoff<T>()
    Task {
        handoff.value = await body()
        semaphore.signal()
    }
    semaphore.wait()
    guard let value = handoff.value else { fatalError("the task signalled without a value") }
    return value
}
