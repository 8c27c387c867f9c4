import Foundation
import Testing
import YearCore
import YearGenerator

@testable import YearStore

/// One defect planted in the clean registry, and every finding the whole catalogue must then report (nothing else).
struct CheckCase: CustomStringConvertible, Sendable {
    let check: String
    let sql: [String]
    let expected: Set<String>
    var settings = CheckSettings()

    var description: String { check }
}

@Suite("The check catalogue, each check over a small registry")
struct CheckTests {
    /// A small clean school: two classes (5А and the graduating 11А), two students each with guardians and consents,
    /// curriculum, assignments and a timetable that agree, year grades and decisions with their order.
    static let clean: [(RegistryKind, String)] = [
        (
            .staff,
            """
            staff_id,last_name,first_name,middle_name,position,login
            T1,Петрова,Анна,Ивановна,учитель,
            T2,Сидоров,Олег,Петрович,учитель,
            """
        ),
        (.subjects, "subject_id,name\nrus,Русский язык\nmath,Математика\n"),
        (
            .classes,
            """
            class,grade,letter,profile,class_type,class_teacher_id,capacity
            5А,5,А,,общеобразовательный,T1,25
            11А,11,А,,общеобразовательный,T2,25
            """
        ),
        (
            .periods,
            """
            grade,period,starts_on,ends_on
            5,q1,2026-09-01,2026-10-25
            5,q2,2026-11-05,2026-12-28
            5,q3,2027-01-09,2027-03-20
            5,q4,2027-03-30,2027-05-31
            11,h1,2026-09-01,2026-12-28
            11,h2,2027-01-09,2027-05-31
            """
        ),
        (
            .students,
            """
            student_id,last_name,first_name,middle_name,birth_date,gender,class,personal_file_no,snils,enrolled_on
            S1,Иванов,Пётр,Сергеевич,10.03.2015,М,5А,1,112-233-445 95,
            S2,Кузнецова,Мария,Олеговна,2015-07-21,Ж,5А,2,123-456-789 64,
            S3,Смирнов,Илья,Андреевич,2009-05-05,М,11А,3,111-111-111 45,
            S4,Орлова,Дарья,,2009-11-30,Ж,11А,4,222-222-222 90,
            """
        ),
        (
            .guardians,
            """
            guardian_id,student_id,relation,last_name,first_name,middle_name,phone,email
            G1,S1,мать,Иванова,Ольга,Петровна,+7 912 345-67-89,
            G2,S2,отец,Кузнецов,Олег,Иванович,89123456780,
            G3,S3,мать,Смирнова,Елена,,,elena@example.ru
            G4,S4,мать,Орлова,Инна,,+7 (912) 000-11-22,
            """
        ),
        (
            .consents,
            """
            person_id,person_kind,signed_by,signed_on,form_version,withdrawn_on
            S1,student,G1,2026-08-25,2025-09,
            S2,student,G2,2026-08-25,2025-09,
            S3,student,G3,2026-08-25,2025-09,
            S4,student,G4,2026-08-25,2025-09,
            """
        ),
        (
            .curriculum,
            "grade,profile,subject_id,hours_per_week,assessment\n5,,rus,2,graded\n5,,math,2,graded\n"
                + "11,,rus,1,graded\n11,,math,1,graded\n"
        ),
        (.assignments, "class,subject_id,group,teacher_id\n5А,rus,,T1\n5А,math,,T2\n11А,rus,,T1\n11А,math,,T2\n"),
        (
            .schedule,
            """
            class,weekday,period,subject_id,group,teacher_id,room
            5А,1,1,rus,,T1,101
            5А,1,2,math,,T2,102
            5А,2,1,rus,,T1,101
            5А,2,2,math,,T2,102
            11А,1,3,rus,,T1,201
            11А,3,1,math,,T2,202
            """
        ),
        (
            .grades,
            "student_id,subject_id,period,grade\nS1,rus,year,5\nS1,math,year,4\nS2,rus,year,4\nS2,math,year,4\n"
                + "S3,rus,year,3\nS3,math,year,5\nS4,rus,year,exempt\nS4,math,year,4\n"
        ),
        (
            .decisions,
            """
            student_id,outcome,debts,deadline,target_class,order_no,order_date
            S1,promoted,,,6А,95-о,2027-05-28
            S2,promoted,,,6А,95-о,2027-05-28
            S3,graduated,,,,95-о,2027-05-28
            S4,graduated,,,,95-о,2027-05-28
            """
        ),
        (
            .certificates,
            "student_id,kind,number,issued_on,honours\nS3,secondary,77-1,2027-06-25,\nS4,secondary,77-2,2027-06-25,1\n"
        ),
    ]

    static func loadClean() async throws -> (StoreFixture, AcademicYear) {
        let store = try await StoreFixture()
        let year = try await store.createYear()
        try await store.load(clean, year: year)
        return (store, year)
    }

    static func findings(_ store: StoreFixture, _ year: AcademicYear, settings: CheckSettings = CheckSettings())
        async throws -> Set<String>
    {
        let run = try await store.database.runChecks(
            school: "school-a", year: year, settings: settings, cause: .manual, caller: store.admin,
            now: StoreFixture.t0)
        return Set(run.findings.map { "\($0.check) \($0.entityID)" })
    }

    @Test("the clean registry has no finding under the whole catalogue")
    func cleanRegistryIsClean() async throws {
        let (store, year) = try await Self.loadClean()
        #expect(try await Self.findings(store, year) == [])
    }

    static let cases: [CheckCase] = [
        CheckCase(
            check: "student.birth-date-missing", sql: ["UPDATE student SET birth_date = NULL WHERE id = 'S2'"],
            expected: ["student.birth-date-missing S2"]),
        CheckCase(
            check: "student.age-implausible", sql: ["UPDATE student SET birth_date = '2005-01-01' WHERE id = 'S1'"],
            expected: ["student.age-implausible S1"]),
        CheckCase(
            check: "student.duplicate",
            sql: [
                """
                UPDATE student SET last_name = 'ИВАНОВ', first_name = 'Петр', middle_name = 'Сер геевич',
                    birth_date = '2015-03-10' WHERE id = 'S2'
                """
            ],
            expected: ["student.duplicate S1", "student.duplicate S2"]),
        CheckCase(
            check: "student.no-class",
            sql: [
                """
                INSERT INTO student (school_id, id, last_name, first_name, birth_date, gender)
                VALUES ('school-a', 'S9', 'Новиков', 'Глеб', '2015-01-01', 'M')
                """
            ],
            expected: ["student.no-class S9"]),
        CheckCase(
            check: "student.multiple-classes",
            sql: [
                """
                INSERT INTO academic_year (id, school_id, label, start_date, end_date, state, created_at, updated_at)
                VALUES (90, 'school-b', '2026/2027', '2026-09-01', '2027-05-31', 'in_progress', 'x', 'x')
                """,
                "INSERT INTO school_class (year_id, school_id, name, grade, letter) VALUES (90, 'school-b', '5Б', 5, 'Б')",
                """
                INSERT INTO student (school_id, id, last_name, first_name, birth_date, gender, snils)
                VALUES ('school-b', 'B1', 'Иванов', 'Пётр', '2015-03-10', 'M', '11223344595')
                """,
                """
                INSERT INTO enrollment (year_id, school_id, student_id, class_name, from_date, opened_by, basis)
                VALUES (90, 'school-b', 'B1', '5Б', '2026-09-01', 'import', 'test')
                """,
            ],
            expected: ["student.multiple-classes S1"]),
        CheckCase(
            check: "student.no-guardian",
            sql: [
                "DELETE FROM guardian WHERE id = 'G3'",
                // 18 on the day of the run: an adult needs no guardian.
                "DELETE FROM guardian WHERE id = 'G4'", "UPDATE student SET birth_date = '2008-09-01' WHERE id = 'S4'",
            ],
            expected: ["student.no-guardian S3"]),
        CheckCase(
            check: "guardian.no-contact", sql: ["UPDATE guardian SET phone = NULL, email = NULL WHERE id = 'G1'"],
            expected: ["guardian.no-contact G1"]),
        CheckCase(
            check: "guardian.phone-invalid", sql: ["UPDATE guardian SET phone = '12-34' WHERE id = 'G2'"],
            expected: ["guardian.phone-invalid G2"]),
        CheckCase(
            check: "consent.missing",
            sql: [
                "UPDATE consent SET withdrawn_on = '2026-09-10' WHERE person_id = 'S2'",
                "DELETE FROM consent WHERE person_id = 'S3'",
                // Withdrawn only after the day of the run: still valid.
                "UPDATE consent SET withdrawn_on = '2026-10-01' WHERE person_id = 'S4'",
            ],
            expected: ["consent.missing S2", "consent.missing S3"]),
        CheckCase(
            check: "student.snils-invalid", sql: ["UPDATE student SET snils = '11223344596' WHERE id = 'S1'"],
            expected: ["student.snils-invalid S1"]),
        CheckCase(
            check: "student.personal-file-missing",
            sql: ["UPDATE student SET personal_file_no = NULL WHERE id = 'S4'"],
            expected: ["student.personal-file-missing S4"]),
        CheckCase(
            check: "class.no-teacher", sql: ["UPDATE school_class SET class_teacher_id = NULL WHERE name = '11А'"],
            expected: ["class.no-teacher 11А"]),
        CheckCase(
            check: "class.over-capacity", sql: ["UPDATE school_class SET capacity = 1 WHERE name = '5А'"],
            expected: ["class.over-capacity 5А"]),
        CheckCase(
            check: "class.over-capacity",
            sql: ["UPDATE school_class SET capacity = NULL WHERE name IN ('5А', '11А')"],
            expected: ["class.over-capacity 5А", "class.over-capacity 11А"],
            settings: CheckSettings(defaultCapacity: 1)),
        CheckCase(
            check: "class.empty",
            sql: [
                """
                INSERT INTO school_class (year_id, school_id, name, grade, letter, class_teacher_id)
                SELECT id, 'school-a', '5Б', 5, 'Б', 'T1' FROM academic_year WHERE school_id = 'school-a'
                """
            ],
            expected: [
                "class.empty 5Б", "assignment.missing 5Б/rus", "assignment.missing 5Б/math",
                "schedule.hours-mismatch 5Б",
            ]),
        CheckCase(
            check: "staff.duplicate",
            sql: [
                """
                INSERT INTO staff (school_id, id, last_name, first_name, middle_name)
                VALUES ('school-a', 'T3', 'петрова', 'Анна ', 'Ивановна')
                """
            ],
            expected: ["staff.duplicate T1", "staff.duplicate T3"]),
        CheckCase(
            check: "curriculum.missing", sql: ["DELETE FROM curriculum WHERE grade = 11"],
            expected: [
                "curriculum.missing 11", "schedule.hours-mismatch 11А/rus", "schedule.hours-mismatch 11А/math",
            ]),
        CheckCase(
            check: "assignment.missing",
            sql: ["DELETE FROM assignment WHERE class_name = '5А' AND subject_id = 'math'"],
            expected: ["assignment.missing 5А/math"]),
        CheckCase(
            check: "schedule.hours-mismatch",
            sql: ["DELETE FROM schedule_slot WHERE class_name = '5А' AND weekday = 2 AND period = 2"],
            expected: ["schedule.hours-mismatch 5А/math"]),
        CheckCase(
            check: "schedule.teacher-conflict",
            sql: ["UPDATE schedule_slot SET period = 1 WHERE class_name = '11А' AND weekday = 1"],
            expected: ["schedule.teacher-conflict T1/1-1"]),
        CheckCase(
            check: "schedule.room-conflict",
            sql: [
                "UPDATE schedule_slot SET weekday = 1, period = 1, room = '101' WHERE class_name = '11А' AND weekday = 3"
            ],
            expected: ["schedule.room-conflict 101/1-1"]),
        CheckCase(
            check: "schedule.class-conflict",
            sql: [
                """
                INSERT INTO schedule_slot (year_id, school_id, class_name, weekday, period, grp, subject_id, teacher_id,
                    room)
                SELECT id, 'school-a', '5А', 1, 1, '1', 'math', 'T2', '103' FROM academic_year
                WHERE school_id = 'school-a'
                """
            ],
            // The group's one period of math is short of the curriculum's two as well.
            expected: ["schedule.class-conflict 5А/1-1", "schedule.hours-mismatch 5А/math/1"]),
        CheckCase(
            check: "teacher.overload", sql: [], expected: ["teacher.overload T1", "teacher.overload T2"],
            settings: CheckSettings(maxTeacherPeriods: 2)),
        CheckCase(
            // The load is the curriculum's hours, not the timetable's slots: T2's two lessons put in one slot do not
            // hide a load of 3.
            check: "teacher.overload",
            sql: ["UPDATE schedule_slot SET weekday = 1, period = 2 WHERE class_name = '11А' AND subject_id = 'math'"],
            expected: ["teacher.overload T1", "teacher.overload T2", "schedule.teacher-conflict T2/1-2"],
            settings: CheckSettings(maxTeacherPeriods: 2)),
        CheckCase(
            check: "grade.final-missing",
            sql: ["DELETE FROM final_grade WHERE student_id = 'S2' AND subject_id = 'math'"],
            expected: ["grade.final-missing S2/math"]),
        CheckCase(
            // A pass/fail subject takes pass or fail: the marks recorded before it was made one do not count.
            check: "grade.final-missing",
            sql: ["UPDATE curriculum SET assessment = 'pass_fail' WHERE grade = 5 AND subject_id = 'rus'"],
            expected: ["grade.final-missing S1/rus", "grade.final-missing S2/rus"]),
        CheckCase(
            check: "decision.missing", sql: ["DELETE FROM decision WHERE student_id = 'S1'"],
            expected: ["decision.missing S1"]),
        CheckCase(
            check: "decision.inconsistent",
            sql: [
                "UPDATE final_grade SET grade = '2' WHERE student_id = 'S1' AND subject_id = 'rus'",
                "UPDATE decision SET outcome = 'graduated', target_class = NULL WHERE student_id = 'S2'",
                "UPDATE decision SET outcome = 'promoted' WHERE student_id = 'S3'",
            ],
            expected: ["decision.inconsistent S1", "decision.inconsistent S2", "decision.inconsistent S3"]),
        CheckCase(
            check: "decision.inconsistent",
            sql: [
                // A promotion leads to the next grade, a retention stays in the grade.
                "UPDATE decision SET target_class = '7А' WHERE student_id = 'S1'",
                "UPDATE decision SET outcome = 'retained', target_class = '6А' WHERE student_id = 'S2'",
            ],
            expected: [
                "decision.inconsistent S1", "decision.inconsistent S2", "decision.retained-without-basis S2",
            ]),
        CheckCase(
            check: "decision.order-missing", sql: ["UPDATE decision SET order_no = NULL WHERE student_id = 'S4'"],
            expected: ["decision.order-missing S4"]),
        CheckCase(
            check: "decision.destination-missing",
            sql: [
                "UPDATE decision SET outcome = 'transferred', target_class = NULL WHERE student_id = 'S1'",
                """
                INSERT INTO school_order (school_id, order_no, student_id, year_id, order_date, kind, class_from,
                    effective_on)
                SELECT 'school-a', '7-в', 'S2', id, '2026-10-01', 'transfer_out', '5А', '2026-10-01'
                FROM academic_year WHERE school_id = 'school-a'
                """,
                """
                UPDATE enrollment SET to_date = '2026-10-01', closed_by = 'transfer_out', closing_order_no = '7-в'
                WHERE student_id = 'S2'
                """,
            ],
            expected: ["decision.destination-missing S1", "decision.destination-missing S2/7-в"]),
        CheckCase(
            check: "movement.unbalanced",
            sql: ["UPDATE enrollment SET from_date = '2026-09-15' WHERE student_id = 'S2'"],
            expected: ["movement.unbalanced 5А", "movement.order-missing S2"]),
        CheckCase(
            check: "movement.order-missing",
            sql: ["UPDATE enrollment SET to_date = '2026-09-10', closed_by = 'withdrawal' WHERE student_id = 'S4'"],
            expected: ["movement.unbalanced 11А", "movement.order-missing S4"]),
        CheckCase(
            // On 1 September 2027: 6 years 5 months (too young), 6 years 6 months, 8 years (too old), 7 years 11
            // months; a rejected application is not looked at.
            check: "application.age-out-of-range",
            sql: [
                """
                INSERT INTO application (school_id, id, last_name, first_name, birth_date, gender, grade, status)
                VALUES ('school-a', 'A1', 'Юный', 'Пётр', '2021-04-15', 'M', 1, 'accepted'),
                    ('school-a', 'A2', 'Ровно', 'Анна', '2021-03-01', 'F', 1, 'submitted'),
                    ('school-a', 'A3', 'Старший', 'Иван', '2019-09-01', 'M', 1, 'accepted'),
                    ('school-a', 'A4', 'Почти', 'Олег', '2019-09-02', 'M', 1, 'accepted'),
                    ('school-a', 'A5', 'Отказ', 'Ева', '2022-01-01', 'F', 1, 'rejected')
                """
            ],
            expected: ["application.age-out-of-range A1", "application.age-out-of-range A3"]),
        CheckCase(
            // T2 is assigned a subject grade 5's curriculum lacks (carried from grade 4, say).
            check: "assignment.orphan",
            sql: [
                "INSERT INTO subject (school_id, id, name) VALUES ('school-a', 'world', 'Окружающий мир')",
                """
                INSERT INTO assignment (year_id, school_id, class_name, subject_id, grp, teacher_id)
                SELECT id, 'school-a', '5А', 'world', '', 'T2' FROM academic_year WHERE school_id = 'school-a'
                """,
            ],
            expected: ["assignment.orphan 5А/world"]),
        CheckCase(
            check: "period.missing", sql: ["DELETE FROM study_period WHERE grade = 11"],
            expected: ["period.missing 11"]),
        CheckCase(
            // A student in family education is in no class and is not "without a class"; one in school is.
            check: "student.no-class",
            sql: [
                """
                INSERT INTO student (school_id, id, last_name, first_name, birth_date, gender, form_of_education)
                VALUES ('school-a', 'F1', 'Домашний', 'Иван', '2015-02-02', 'M', 'family'),
                    ('school-a', 'F2', 'Пропавший', 'Олег', '2015-02-02', 'M', 'full_time')
                """
            ],
            expected: ["student.no-class F2"]),
        CheckCase(
            check: "graduate.certificate-missing", sql: ["DELETE FROM certificate WHERE student_id = 'S4'"],
            expected: ["graduate.certificate-missing S4"]),
        CheckCase(
            // S1 carries a debt in math into this year; a failed first retake, then its deadline passes (the run is
            // on 21 September 2026). S2's debt is cleared by a passing retake.
            check: "debt.overdue",
            sql: [
                """
                INSERT INTO academic_debt (year_id, school_id, student_id, subjects, deadline, from_year_id)
                SELECT id, 'school-a', 'S1', 'Математика', '2026-09-15', id FROM academic_year;
                INSERT INTO academic_debt (year_id, school_id, student_id, subjects, deadline, from_year_id)
                SELECT id, 'school-a', 'S2', 'math; rus', '2026-09-15', id FROM academic_year;
                INSERT INTO debt_retake (year_id, school_id, student_id, subject, attempt, taken_on, result)
                SELECT id, 'school-a', 'S1', 'математика', 1, '2026-09-10', '2' FROM academic_year;
                INSERT INTO debt_retake (year_id, school_id, student_id, subject, attempt, taken_on, result)
                SELECT id, 'school-a', 'S2', 'Math', 2, '2026-09-10', '3' FROM academic_year;
                INSERT INTO debt_retake (year_id, school_id, student_id, subject, attempt, taken_on, result)
                SELECT id, 'school-a', 'S2', 'rus', 1, '2026-09-11', 'pass' FROM academic_year
                """
            ],
            expected: ["debt.overdue S1"]),
        CheckCase(
            // S1 retained on no ground; S2 retained with the parents' statement.
            check: "decision.retained-without-basis",
            sql: [
                "UPDATE decision SET outcome = 'retained', target_class = NULL WHERE student_id = 'S1'",
                """
                UPDATE decision SET outcome = 'retained', target_class = NULL, statement_on = '2027-05-20'
                WHERE student_id = 'S2'
                """,
            ],
            expected: ["decision.retained-without-basis S1"]),
        // What must not be found.
        CheckCase(
            check: "grade.final-missing",
            sql: [
                "UPDATE curriculum SET assessment = 'pass_fail' WHERE grade = 5 AND subject_id = 'rus'",
                "UPDATE final_grade SET grade = 'pass' WHERE subject_id = 'rus' AND student_id IN ('S1', 'S2')",
            ],
            expected: []),
        CheckCase(
            check: "decision.destination-missing",
            sql: [
                """
                UPDATE decision SET outcome = 'transferred', target_class = NULL, destination = 'МБОУ СОШ № 7'
                WHERE student_id = 'S1'
                """,
                """
                UPDATE decision SET outcome = 'retained', target_class = '5А', statement_on = '2027-05-20'
                WHERE student_id = 'S2'
                """,
            ],
            expected: []),
        CheckCase(
            // A withdrawal counts against the class the student was in, whether or not the order names it.
            check: "movement.unbalanced",
            sql: [
                """
                INSERT INTO school_order (school_id, order_no, student_id, year_id, order_date, kind, effective_on)
                SELECT 'school-a', '8-в', 'S2', id, '2026-10-01', 'withdrawal', '2026-10-01' FROM academic_year
                WHERE school_id = 'school-a'
                """,
                """
                UPDATE enrollment SET to_date = '2026-10-01', closed_by = 'withdrawal', closing_order_no = '8-в'
                WHERE student_id = 'S2'
                """,
            ],
            expected: []),
        CheckCase(
            check: "movement.unbalanced",
            sql: [
                """
                INSERT INTO school_order (school_id, order_no, student_id, year_id, order_date, kind, class_to,
                    effective_on)
                SELECT 'school-a', '1-у', 'S2', id, '2026-08-30', 'enrollment', '5А', '2026-09-01' FROM academic_year
                WHERE school_id = 'school-a'
                """,
                "UPDATE enrollment SET opened_by = 'enrollment', order_no = '1-у' WHERE student_id = 'S2'",
            ],
            expected: []),
        CheckCase(
            check: "student.no-class",
            sql: [
                """
                INSERT INTO academic_year (id, school_id, label, start_date, end_date, state, created_at, updated_at)
                VALUES (91, 'school-a', '2027/2028', '2027-09-01', '2028-05-31', 'open', 'x', 'x')
                """,
                "INSERT INTO school_class (year_id, school_id, name, grade, letter) VALUES (91, 'school-a', '1А', 1, 'А')",
                """
                INSERT INTO student (school_id, id, last_name, first_name, birth_date, gender)
                VALUES ('school-a', 'S9', 'Новиков', 'Глеб', '2021-01-01', 'M'),
                    ('school-a', 'S8', 'Орлов', 'Лев', '2010-01-01', 'M')
                """,
                """
                INSERT INTO enrollment (year_id, school_id, student_id, class_name, from_date, opened_by, basis)
                VALUES (91, 'school-a', 'S9', '1А', '2027-09-01', 'import', 'next year')
                """,
                """
                INSERT INTO decision (year_id, school_id, student_id, outcome)
                SELECT id, 'school-a', 'S8', 'left' FROM academic_year WHERE label = '2026/2027'
                    AND school_id = 'school-a'
                """,
            ],
            expected: []),
        CheckCase(
            check: "grade.final-missing",
            sql: [
                "UPDATE curriculum SET hours_per_week = 0 WHERE grade = 5 AND subject_id = 'math'",
                "DELETE FROM final_grade WHERE subject_id = 'math' AND student_id IN ('S1', 'S2')",
            ],
            expected: ["schedule.hours-mismatch 5А/math"]),
        CheckCase(
            check: "schedule.hours-mismatch",
            sql: [
                "UPDATE schedule_slot SET grp = '1' WHERE class_name = '5А' AND subject_id = 'rus'",
                """
                INSERT INTO schedule_slot (year_id, school_id, class_name, weekday, period, grp, subject_id,
                    teacher_id, room)
                SELECT id, 'school-a', '5А', day, 3, '2', 'rus', 'T2', '103'
                FROM academic_year, (SELECT 1 AS day UNION SELECT 2) WHERE school_id = 'school-a'
                """,
            ],
            expected: []),
        CheckCase(
            check: "guardian.no-contact",
            sql: [
                """
                INSERT INTO guardian (school_id, id, student_id, relation, last_name, first_name)
                VALUES ('school-a', 'G1', 'S2', 'мать', 'Иванова', 'Ольга')
                """
            ],
            expected: []),
        CheckCase(
            check: "graduate.exam-admission",
            sql: ["UPDATE final_grade SET grade = '2' WHERE student_id = 'S3' AND subject_id = 'math'"],
            expected: ["graduate.exam-admission S3", "decision.inconsistent S3"]),
    ]

    @Test("each check finds its planted defect exactly, and no check finds anything else", arguments: cases)
    func plantedDefect(_ check: CheckCase) async throws {
        let (store, year) = try await Self.loadClean()
        for statement in check.sql { try store.raw(statement) }
        #expect(try await Self.findings(store, year, settings: check.settings) == check.expected)
    }

    @Test("a grade must be of the subject's kind: marks 2-5, pass/fail (зачёт) where pass_fail, none in grade 1")
    func marksOfTheRightKind() async throws {
        let (store, year) = try await Self.loadClean()
        let header = "student_id,subject_id,period,grade\n"
        let wrong = try await store.importText(.grades, header + "S1,rus,q4,зачёт\nS2,rus,q4,5\n", year: year)
        #expect(wrong.problems.map(\.line) == [2], "\(wrong.problems)")
        #expect(wrong.problems.first?.message.contains("is not how this subject is assessed") == true)
        try store.raw("UPDATE curriculum SET assessment = 'pass_fail' WHERE grade = 5 AND subject_id = 'rus'")
        let passFail = try await store.importText(
            .grades, header + "S1,rus,q4,Зачёт\nS2,rus,q4,не зачтено\nS2,math,q4,5\n", year: year)
        #expect(passFail.problemCount == 0, "\(passFail.problems)")
        let stored = try await store.database.pool.read {
            try String.fetchAll(
                $0, sql: "SELECT grade FROM final_grade WHERE period = 'q4' ORDER BY student_id, subject_id")
        }
        #expect(stored == ["pass", "5", "fail"])
        // Grade 1 is taught without marks.
        try store.raw(
            """
            INSERT INTO school_class (year_id, school_id, name, grade, letter, class_teacher_id)
                SELECT id, 'school-a', '1А', 1, 'А', 'T1' FROM academic_year WHERE school_id = 'school-a';
            UPDATE enrollment SET class_name = '1А' WHERE student_id = 'S2'
            """)
        let first = try await store.importText(.grades, header + "S2,rus,year,5\nS2,math,year,exempt\n", year: year)
        #expect(first.problems.map(\.line) == [2] && first.problems[0].message.contains("none in grade 1"))
    }

    @Test("a period grade refers to the grade's study periods; a family-education student is in no class")
    func periodsAndForms() async throws {
        let (store, year) = try await Self.loadClean()
        let grades = try await store.importText(
            .grades, "student_id,subject_id,period,grade\nS1,rus,q2,5\nS3,rus,q2,5\nS3,rus,h1,4\n", year: year)
        #expect(grades.problems.map(\.line) == [3], "grade 11 has halves, not quarters: \(grades.problems)")
        #expect(grades.problems.first?.message.contains("q2 is not a study period of the student's grade") == true)
        let mixed = try await store.importText(
            .periods, "grade,period,starts_on,ends_on\n5,h1,2026-09-01,2026-12-28\n11,h1,2026-09-01,2027-07-30\n",
            year: year)
        #expect(mixed.problems.map(\.line) == [2, 3], "\(mixed.problems)")
        #expect(
            mixed.problems.first?.message.contains("mixes the grade's quarters (q), trimesters (t) or halves") == true)
        #expect(mixed.problems.last?.message.contains("after the year's last day") == true)
        let students = try await store.importText(
            .students,
            "student_id,last_name,first_name,birth_date,gender,class,form_of_education\n"
                + "F1,Домашний,Иван,2015-02-02,М,5А,family\nF2,Домашний,Олег,2015-02-02,М,,семейное\n", year: year)
        #expect(students.problems.map(\.line) == [2, 3], "\(students.problems)")
        #expect(students.problems.first?.message.contains("learns outside the school and is in no class") == true)
    }

    @Test("every check of the catalogue has a query and a planted-defect case")
    func everyCheckIsCovered() {
        let covered = Set(Self.cases.map(\.check))
        for definition in CheckCatalogue.all {
            #expect(CheckQueries.byID[definition.id] != nil, "\(definition.id) has no query")
            #expect(covered.contains(definition.id), "\(definition.id) has no case")
        }
        #expect(CheckQueries.byID.count == CheckCatalogue.all.count)
    }
}

@Suite("The check catalogue over generated schools")
struct GeneratedCheckTests {
    @Test("a clean generated school has no finding under the whole catalogue", arguments: [1, 7, 23])
    func cleanGeneratedSchool(seed: Int) async throws {
        let (store, year, _) = try await MovementTests.loadGenerated(seed: UInt64(seed))
        let run = try await store.database.runChecks(
            school: "school-a", year: year, settings: CheckSettings(), cause: .manual, caller: nil,
            now: StoreFixture.t0)
        #expect(run.findings.map { "\($0.check) \($0.entityID): \($0.message)" } == [])
    }
}

extension GeneratedCheckTests {
    @Test("a generated school with planted defects: the catalogue finds every planted defect and nothing else")
    func plantedDefects() async throws {
        let (files, planted) = RegistryGenerator(seed: 5, startYear: 2026).school(0, defects: 30)
        #expect(Set(planted.map(\.check)) == Set(RegistryGenerator.plantableChecks))
        let store = try await StoreFixture()
        let year = try await store.createYear()
        for kind in RegistryGenerator.loadOrder {
            let outcome = try await store.importText(
                kind, try #require(files[kind]), year: kind.isYearScoped ? year : nil)
            #expect(outcome.problemCount == 0, "\(kind): \(outcome.problems.prefix(3))")
        }
        let run = try await store.database.runChecks(
            school: "school-a", year: year, settings: CheckSettings(), cause: .manual, caller: nil,
            now: StoreFixture.t0)
        #expect(run.findings.map { "\($0.check) \($0.entityID)" }.sorted() == planted.map(\.description).sorted())
    }
}
