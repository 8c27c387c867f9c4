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
        #expect(configuration.schools.first?.gradeEnds == [9: MonthDay("06-30")!, 11: MonthDay("06-30")!])
        // One grant per role, each to its group (yeard-admin, yeard-coordinator, ...), which the package makes.
        #expect(configuration.policy.grants.count == Role.allCases.count)
        #expect(configuration.backupsKept == defaults.backupsKept)
        #expect(configuration.backupSchedule == defaults.backupSchedule)
        #expect(configuration.integrityCheckSchedule == defaults.integrityCheckSchedule)
        #expect(configuration.maintenanceTimeZone == defaults.maintenanceTimeZone)
        #expect(configuration.checkSettings == defaults.checkSettings)
        #expect(configuration.checkRunsKept == defaults.checkRunsKept)
        #expect(configuration.checkSchedules["school-1"]?.expression == "0 6 * * mon-fri")
        #expect(configuration.metricsFile == nil && configuration.reportsDirectory == nil)
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

    @Test("grade_end: grades with their own last day are read; a grade not taught or a bad day refused by line")
    func gradeEnds() throws {
        let good = try DaemonConfiguration.parse(
            """
            [[school]]
            id = "a"
            grade_end = { 9 = "06-30", 11 = "06-25" }
            """, source: "t.toml")
        #expect(good.schools.first?.gradeEnds == [9: MonthDay("06-30")!, 11: MonthDay("06-25")!])
        let text = """
            [[school]]
            id = "a"
            last_grade = 9
            grade_end = { 11 = "06-30", 9 = "06-31" }

            [[school]]
            id = "b"
            grade_end = "06-30"
            """
        do {
            _ = try DaemonConfiguration.parse(text, source: "t.toml")
            Issue.record("must be refused")
        } catch let error as ConfigurationError {
            #expect(error.issues.compactMap(\.line) == [4, 4, 8], "\(error)")
            #expect(error.description.contains("'11' is not a grade of the school (1...9)"), "\(error)")
            #expect(error.description.contains("grade 9's last day must be a month and day as MM-DD"), "\(error)")
            #expect(error.description.contains("'grade_end' must be a table of grade"), "\(error)")
        }
    }

    @Test("director: who signs a school's documents, one printable line; a title alone or a control refused")
    func director() throws {
        let good = try DaemonConfiguration.parse(
            """
            [[school]]
            id = "a"
            director = "И. И. Иванова"
            director_title = "Директор МБОУ СОШ № 1"

            [[school]]
            id = "b"
            """, source: "t.toml")
        #expect(good.signatories == ["a": Signatory(title: "Директор МБОУ СОШ № 1", name: "И. И. Иванова")])
        let text = """
            [[school]]
            id = "a"
            director_title = "Директор"

            [[school]]
            id = "b"
            director = "Иванова\\u001B]0;x\\u0007"

            [[school]]
            id = "c"
            director = "  "
            """
        do {
            _ = try DaemonConfiguration.parse(text, source: "t.toml")
            Issue.record("must be refused")
        } catch let error as ConfigurationError {
            #expect(error.description.contains("'director_title' needs the 'director' it titles"), "\(error)")
            #expect(error.description.contains("'director' must be one line of printable text"), "\(error)")
            #expect(error.description.contains("'director' must be 1-200 characters"), "\(error)")
            #expect(error.issues.count == 3, "\(error)")
        }
    }

    @Test("languages: the journal's and each school's are language codes, English by default; others refused")
    func languages() throws {
        let good = try DaemonConfiguration.parse(
            "[daemon]\nlanguage = \"ru\"\n\n[[school]]\nid = \"a\"\nlanguage = \"ru\"\n\n[[school]]\nid = \"b\"\n",
            source: "t.toml")
        #expect(good.journalLanguage == "ru" && good.language(of: "a") == "ru" && good.language(of: "b") == "en")
        #expect(DaemonConfiguration().journalLanguage == "en")
        for bad in ["russian", "RU", "ru-RU", ""] {
            #expect(throws: ConfigurationError.self) {
                _ = try DaemonConfiguration.parse(
                    "[daemon]\nlanguage = \"\(bad)\"\n\n[[school]]\nid = \"a\"\n", source: "t.toml")
            }
        }
    }

    @Test("rollover.personal_file: the book's numbering rule is read; one without {n} or with other braces refused")
    func personalFile() throws {
        let good = try DaemonConfiguration.parse(
            "[[school]]\nid = \"a\"\n\n[rollover]\npersonal_file = \"Л-{year}-{n}\"\n", source: "t.toml")
        #expect(good.rolloverSettings.personalFile == "Л-{year}-{n}")
        #expect(DaemonConfiguration().rolloverSettings.personalFile == "{n}")
        for bad in ["Л-{year}", "{n}-{kind}", "{n}{n}"] {
            #expect(throws: ConfigurationError.self) {
                _ = try DaemonConfiguration.parse(
                    "[[school]]\nid = \"a\"\n\n[rollover]\npersonal_file = \"\(bad)\"\n", source: "t.toml")
            }
        }
    }

    @Test("checks: severities, thresholds and schedules are read; unknown checks, bad values and bad cron refused")
    func checksSection() throws {
        let good = try DaemonConfiguration.parse(
            """
            [[school]]
            id = "a"
            checks_schedule = "0 6 * * mon-fri"

            [checks]
            keep_runs = 10
            default_capacity = 28
            max_teacher_periods = 30

            [checks.severity]
            "consent.missing" = "warning"
            """, source: "t.toml")
        #expect(good.checkRunsKept == 10 && good.checkSettings.defaultCapacity == 28)
        #expect(good.checkSettings.maxTeacherPeriods == 30)
        #expect(good.checkSettings.severities == ["consent.missing": .warning])
        #expect(good.checkSchedules["a"]?.expression == "0 6 * * mon-fri")
        let text = """
            [[school]]
            id = "a"
            checks_schedule = "0 25 * * *"

            [checks]
            default_capacity = 0
            colour = 1

            [checks.severity]
            "student.nonsense" = "error"
            "consent.missing" = "fatal"
            """
        do {
            _ = try DaemonConfiguration.parse(text, source: "t.toml")
            Issue.record("must be refused")
        } catch let error as ConfigurationError {
            #expect(error.issues.compactMap(\.line) == [3, 6, 7, 10, 11], "\(error)")
            #expect(error.description.contains("hour: '25' is not a value from 0 to 23"), "\(error)")
            #expect(error.description.contains("no check 'student.nonsense'"), "\(error)")
        }
    }

    @Test("rollover: the order numbering rule, backups and carry-over switches; bad ones refused with their line")
    func rolloverSection() throws {
        let good = try DaemonConfiguration.parse(
            """
            [[school]]
            id = "a"

            [checks]
            default_capacity = 26

            [rollover]
            order_number = "{kind}/{year}-{n}"
            backups_kept = 3

            [rollover.carry]
            class_teachers = false

            [backup]
            keep = 3
            """, source: "t.toml")
        #expect(good.rolloverSettings.orderNumber == "{kind}/{year}-{n}" && good.rolloverBackupsKept == 3)
        #expect(good.rolloverSettings.carry == CarryOver(classTeachers: false))
        #expect(good.rolloverSettings.firstGradeCapacity == 26 && good.rolloverBackup && good.backupsKept == 3)
        #expect(good.rolloverSettings.orderNumber(year: 2027, rollover: 4) == "{kind}/2027-4")
        #expect(RolloverSettings.orderNumberProblem("{kind}{kind}-{n}")?.contains("more than once") == true)
        #expect(RolloverSettings.orderNumberProblem(String(repeating: "x", count: 40) + "{kind}{n}") != nil)
        do {
            _ = try DaemonConfiguration.parse(
                """
                [[school]]
                id = "a"

                [rollover]
                order_number = "{year}-{n}"
                backups_kept = 0

                [rollover.carry]
                schedule = true
                """, source: "t.toml")
            Issue.record("must be refused")
        } catch let error as ConfigurationError {
            #expect(error.issues.compactMap(\.line) == [5, 6, 9], "\(error)")
            #expect(error.description.contains("must contain {kind} and {n}"), "\(error)")
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

    @Test(
        "a header without a key or an array's value that is a '}' is a syntax error on its line, not an abort in toml++",
        arguments: [
            "[.", "[ .", "[[.", "[[ .]]", "[=", "[!]", "[Ж]", "[\n", "[", "u = [}", "u = [1, }",
        ])
    func headerWithoutKey(header: String) {
        do {
            _ = try DaemonConfiguration.parse("[daemon]\n# a comment [.\nsocket = \"/x\"\n" + header, source: "t.toml")
            Issue.record("must be refused")
        } catch let error as ConfigurationError {
            #expect(error.issues.first?.line == 4)
            #expect(
                error.issues.first.map { $0.message.contains("table header") || $0.message.contains("array") } == true)
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test("arrays, strings and comments that hold brackets over several lines are not taken for table headers")
    func bracketsInValues() throws {
        let text = #"""
            [daemon]
            socket = "/run/x [.sock"
            # [. in a comment
            [[school]]
            id = "a"
            [checks]
            thresholds = '''
            [.
            '''

            [[ "grant" ]]
            role = "admin"
            user = "a"
            """#
        let problem = TableHeaderGuard.problem(in: text)
        #expect(problem == nil, "\(String(describing: problem))")
        #expect(TableHeaderGuard.problem(in: "x = [\n  [.5],\n  {},\n]\n[[school]]\nid = \"a\"\n") == nil)
        #expect(TableHeaderGuard.problem(in: "u = [\n # c\n }")?.line == 3)
        #expect(TableHeaderGuard.problem(in: "u = [{a = 1}, {b = [2, 3]}, [], [ ]]\nv = { a = [1,\n2] }") == nil)
        // A byte-order mark does not hide the first header, and a line break escaped in a string is counted.
        #expect(TableHeaderGuard.problem(in: "\u{FEFF}[.")?.line == 1)
        #expect(TableHeaderGuard.problem(in: "a = \"\"\"x\\\ny\"\"\"\n[.")?.line == 3)
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
