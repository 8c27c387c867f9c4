import Foundation
import Testing
import YearCore

@testable import YearStore

/// The sentence of every check's planted finding, in English, against a snapshot
/// (`Tests/YearStoreTests/Fixtures/finding-messages.txt`): the sentences moved from SQL into the message catalogue
/// (`FindingMessages`) without a word changing, and a later change of one is seen here (regenerate with
/// `YEARD_UPDATE_FINDINGS=1 swift test --filter FindingMessage` and read the difference).
@Suite("The sentences of the checks' findings")
struct FindingMessageTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/finding-messages.txt").path

    /// Every case's findings as `check entity: message`, one per line, in case order.
    static func sentences() async throws -> String {
        var lines: [String] = []
        for check in CheckTests.cases {
            let (store, year) = try await CheckTests.loadClean()
            for statement in check.sql { try store.raw(statement) }
            let run = try await store.database.runChecks(
                school: "school-a", year: year, settings: check.settings, cause: .manual, caller: store.admin,
                now: StoreFixture.t0)
            lines += run.findings.map { "\($0.check) \($0.entityID): \($0.message)" }.sorted()
            // Every check gives its sentence's parameters, so that any language can say it.
            for finding in run.findings where finding.params == nil {
                Issue.record("\(finding.check) \(finding.entityID) has no parameters")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test("every planted finding says in English what the snapshot says")
    func englishSentences() async throws {
        let text = try await Self.sentences()
        if ProcessInfo.processInfo.environment["YEARD_UPDATE_FINDINGS"] == "1" {
            try text.write(toFile: Self.path, atomically: true, encoding: .utf8)
        }
        let snapshot = try String(contentsOfFile: Self.path, encoding: .utf8)
        #expect(text == snapshot)
    }
}
