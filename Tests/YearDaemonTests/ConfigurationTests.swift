import Foundation
import Testing
import YearCore

@testable import YearDaemon

@Suite("Configuration")
struct ConfigurationTests {
    static let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("config/yeard.toml").path

    @Test("the shipped config/yeard.toml is valid and documents every default")
    func shipped() throws {
        let configuration = try DaemonConfiguration.load(path: Self.shipped)
        let defaults = DaemonConfiguration()
        #expect(configuration.stateDirectory == defaults.stateDirectory)
        #expect(configuration.socketPath == defaults.socketPath)
        #expect(configuration.socketMode == defaults.socketMode)
        #expect(configuration.requestLifetime == defaults.requestLifetime)
        #expect(configuration.maxMessageBytes == defaults.maxMessageBytes)
        #expect(configuration.idleTimeout == defaults.idleTimeout)
        #expect(configuration.maxConnections == defaults.maxConnections)
        #expect(configuration.maxConnectionsPerUID == defaults.maxConnectionsPerUID)
        #expect(configuration.auditHeadInterval == defaults.auditHeadInterval)
        #expect(configuration.schools.map(\.id) == ["school-1"])
        #expect(configuration.policy.grants.count == 3)
    }

    @Test("every error is reported with its line, unknown keys included")
    func errorsWithLines() {
        let text = """
            [daemon]
            socket_mode = "rw"
            colour = "blue"

            [[school]]
            id = "a"

            [[school]]
            id = "a"
            last_grade = 20

            [[grant]]
            role = "boss"
            user = "x"

            [[grant]]
            role = "admin"
            school = "nowhere"
            """
        do {
            _ = try DaemonConfiguration.parse(text, source: "t.toml")
            Issue.record("must be refused")
        } catch let error as ConfigurationError {
            let lines = error.issues.compactMap(\.line)
            #expect(lines == [2, 3, 9, 13, 16, 18], "\(error)")
            #expect(error.description.contains("t.toml: line 3: unknown key 'colour'"))
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test("a syntax error names its line")
    func syntax() {
        do {
            _ = try DaemonConfiguration.parse("[daemon]\nsocket = \"/x\n", source: "t.toml")
            Issue.record("must be refused")
        } catch let error as ConfigurationError {
            #expect(error.issues.first?.line == 2)
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test("grants by user, uid, group and gid, per school or everywhere")
    func grants() throws {
        let configuration = try DaemonConfiguration.parse(
            """
            [[school]]
            id = "a"
            graduating_grades = [9]
            [[grant]]
            role = "coordinator"
            group = "deputies"
            school = "a"
            [[grant]]
            role = "auditor"
            gid = 700
            """, source: "t.toml")
        #expect(
            configuration.policy.grants == [
                RoleGrant(role: .coordinator, subject: .group("deputies"), school: "a"),
                RoleGrant(role: .auditor, subject: .gid(700), school: nil),
            ])
        #expect(configuration.schools.first?.graduatingGrades == [9])
    }
}
