import YearCore

/// The query of every check in the catalogue: one set-based SELECT each, returning `entity_id`, `class_name` and
/// `params` for every finding: a JSON object of what its sentence names (lists of clauses as JSON arrays), which
/// `FindingMessages` says in the reader's language; the queries build no sentence themselves. The runner wraps each in one `INSERT INTO check_finding ... SELECT`, so a run costs
/// one statement per check, whatever the number of students.
///
/// Parameters: `:school`, `:year`, `:start` and `:end` (the year's first and last day), `:start_year` (its first
/// calendar year), `:today` (in the school's time zone), `:last_grade`, and the thresholds `:age_min`, `:age_max`,
/// `:capacity`, `:max_periods`, `:adult_age`.
enum CheckQueries {
    /// The students with an open enrollment in the year, with their class.
    static let active = """
        INSERT INTO check_active (id, class_name, grade, name, birth_date, snils, personal_file_no)
            SELECT s.id, e.class_name, c.grade,
                s.last_name || ' ' || s.first_name || coalesce(' ' || s.middle_name, '') AS name,
                s.birth_date, s.snils, s.personal_file_no
            FROM enrollment e
            JOIN student s ON s.school_id = e.school_id AND s.id = e.student_id
            JOIN school_class c ON c.year_id = e.year_id AND c.name = e.class_name
            WHERE e.year_id = :year AND e.school_id = :school AND e.to_date IS NULL
        """

    /// The guardians of the active students whose contact is missing or malformed (what the guardian checks look
    /// at), one row per guardian with its malformed phone, if any: a guardian of two children has a row for each,
    /// so the contacts are gathered across them first. With the first class among their children's. The rows that
    /// may be wrong are picked first, so that only their guardians are gathered.
    static let guardians = """
        INSERT INTO check_guardians (id, class_name, phone, email, name, children)
            WITH candidates AS (
                SELECT DISTINCT g.id FROM guardian g
                WHERE g.school_id = :school AND ((g.phone IS NULL AND g.email IS NULL)
                    OR (g.phone IS NOT NULL AND yeard_phone_ok(g.phone) = 0)))
            SELECT id, class_name, bad_phone, email, name, children FROM (
                SELECT g.id, min(a.class_name) AS class_name,
                    max(CASE WHEN g.phone IS NOT NULL AND yeard_phone_ok(g.phone) = 0 THEN g.phone END) AS bad_phone,
                    max(g.phone) AS any_phone, max(g.email) AS email,
                    max(g.last_name || ' ' || g.first_name || coalesce(' ' || g.middle_name, '')) AS name,
                    group_concat(DISTINCT a.name) AS children
                FROM candidates c
                JOIN guardian g ON g.school_id = :school AND g.id = c.id
                JOIN check_active a ON a.id = g.student_id
                GROUP BY g.id)
            WHERE bad_phone IS NOT NULL OR (any_phone IS NULL AND email IS NULL)
        """

    /// The subjects each class must be taught: its grade's curriculum, general and of its profile, with the hours
    /// (a profile's own row wins over the general one).
    static let planned = """
        INSERT INTO check_planned (class_name, subject_id, hours, assessment)
            SELECT c.name AS class_name, cu.subject_id,
                coalesce(
                    max(CASE WHEN cu.profile <> '' THEN cu.hours_per_week END),
                    max(CASE WHEN cu.profile = '' THEN cu.hours_per_week END)) AS hours,
                coalesce(
                    max(CASE WHEN cu.profile <> '' THEN cu.assessment END),
                    max(CASE WHEN cu.profile = '' THEN cu.assessment END)) AS assessment
            FROM school_class c
            JOIN curriculum cu ON cu.year_id = c.year_id AND cu.grade = c.grade
                AND cu.profile IN ('', coalesce(c.profile, ''))
            WHERE c.year_id = :year
            GROUP BY c.name, cu.subject_id
        """

    /// The temporary tables the checks share, made when a connection opens (so that no run changes the schema: even
    /// `CREATE ... IF NOT EXISTS` would make GRDB empty the connection's cache of compiled statements).
    static let tables = [
        """
        CREATE TEMP TABLE IF NOT EXISTS check_active (id TEXT PRIMARY KEY, class_name TEXT, grade INTEGER, name TEXT,
            birth_date TEXT, snils TEXT, personal_file_no TEXT)
        """,
        "CREATE INDEX IF NOT EXISTS temp.check_active_class ON check_active(class_name)",
        """
        CREATE TEMP TABLE IF NOT EXISTS check_guardians (id TEXT PRIMARY KEY, class_name TEXT, phone TEXT, email TEXT,
            name TEXT, children TEXT)
        """,
        """
        CREATE TEMP TABLE IF NOT EXISTS check_planned (class_name TEXT, subject_id TEXT, hours INTEGER,
            assessment TEXT, PRIMARY KEY (class_name, subject_id))
        """,
    ]

    /// What every run fills first: the active students, their guardians and each class's planned subjects, which
    /// the checks share (each would otherwise compute them again).
    static let prepare = [active, guardians, planned]

    /// What every run empties at its end (and, should a run have stopped half-way, the next one at its start).
    static let finish = ["DELETE FROM check_active", "DELETE FROM check_guardians", "DELETE FROM check_planned"]

    static let failing = "('2', 'fail')"

    /// The school's graduating grades, read once per statement (a correlated `json_each` per student cost more than
    /// the rest of the check).
    static let graduating = "(SELECT graduating_grades FROM school WHERE id = :school)"

    /// The query of each check, by id.
    static let byID: [String: String] = [
        "student.birth-date-missing": """
        SELECT id AS entity_id, class_name, json_object('name', name, 'class', class_name) AS params
        FROM check_active WHERE birth_date IS NULL
        """,
        "student.age-implausible": """
        SELECT id AS entity_id, class_name,
            json_object('name', name, 'class', class_name, 'born', birth_date, 'age', age, 'grade', grade,
                'min', grade + :age_min, 'max', grade + :age_max) AS params
        FROM (SELECT *, :start_year - CAST(substr(birth_date, 1, 4) AS INTEGER)
                - (substr(birth_date, 6, 5) > '09-01') AS age
            FROM check_active WHERE birth_date IS NOT NULL)
        WHERE age NOT BETWEEN grade + :age_min AND grade + :age_max
        """,
        "application.age-out-of-range": """
        -- A first-grade applicant's age in full months on 1 September of the year applied for (the one after
        -- :start_year's): from 6 years 6 months to under 8 years (AdmissionAge in YearCore).
        SELECT id AS entity_id, NULL AS class_name,
            json_object('name', last_name || ' ' || first_name || coalesce(' ' || middle_name, ''), 'id', id,
                'born', birth_date, 'years', m / 12, 'months', m % 12, 'day', (:start_year + 1) || '-09-01',
                'v', CASE WHEN m < \(AdmissionAge.months.lowerBound) THEN 'young' ELSE 'old' END) AS params
        FROM (SELECT *, (:start_year + 1 - CAST(substr(birth_date, 1, 4) AS INTEGER)) * 12
                + 9 - CAST(substr(birth_date, 6, 2) AS INTEGER) - (CAST(substr(birth_date, 9, 2) AS INTEGER) > 1)
                AS m
            FROM application
            WHERE school_id = :school AND grade = 1 AND status IN ('submitted', 'accepted')
                AND birth_date IS NOT NULL)
        WHERE m < \(AdmissionAge.months.lowerBound) OR m >= \(AdmissionAge.months.upperBound)
        """,
        "student.duplicate": """
        -- Only students who share a birth date can be duplicates: the names are folded for those alone.
        WITH shared AS (
            SELECT birth_date FROM check_active WHERE birth_date IS NOT NULL
            GROUP BY birth_date HAVING count(*) > 1),
        keyed AS (
            SELECT id, class_name, name, birth_date,
                yeard_fold(name) || '|' || birth_date AS k
            FROM check_active WHERE birth_date IN shared),
        grouped AS (
            SELECT id, class_name, name, birth_date, count(*) OVER (PARTITION BY k) AS n,
                group_concat(id || ' (' || class_name || ')', ', ') OVER (PARTITION BY k) AS records
            FROM keyed)
        SELECT id AS entity_id, class_name,
            json_object('name', name, 'born', birth_date, 'n', n, 'records', records) AS params
        FROM grouped WHERE n > 1
        """,
        "student.no-class": """
        -- Not in a class of this year, nor of another year of the school still open (next year's first graders),
        -- and not gone: no enrollment closed by a departure, no decision that the student leaves.
        SELECT s.id AS entity_id, NULL AS class_name,
            json_object('name', s.last_name || ' ' || s.first_name || coalesce(' ' || s.middle_name, '')) AS params
        FROM student s
        WHERE s.school_id = :school
            -- Family education and self-education are outside the school: attached for assessment, in no class.
            AND coalesce(s.form_of_education, '') NOT IN \(RegistryKind.FormOfEducation.outsideSchoolSQL)
            AND NOT EXISTS (SELECT 1 FROM enrollment e JOIN academic_year y ON y.id = e.year_id
                WHERE e.school_id = :school AND e.student_id = s.id AND e.to_date IS NULL
                    AND (e.year_id = :year OR y.state <> 'closed'))
            AND NOT EXISTS (SELECT 1 FROM enrollment d WHERE d.school_id = :school AND d.student_id = s.id
                AND d.closed_by IN ('withdrawal', 'transfer_out', 'graduation'))
            AND NOT EXISTS (SELECT 1 FROM academic_year y JOIN decision d ON d.year_id = y.id AND d.student_id = s.id
                WHERE y.school_id = :school AND d.outcome IN ('graduated', 'left', 'transferred'))
        """,
        "student.multiple-classes": """
        SELECT a.id AS entity_id, a.class_name,
            json_object('name', a.name, 'class', a.class_name, 'snils', a.snils,
                'others', json_group_array(json_object('class', e.class_name, 'id', o.id,
                    'school', CASE WHEN o.school_id <> :school THEN o.school_id END))) AS params
        -- CROSS JOIN keeps the school's students as the outer loop, each looked up by SNILS across schools.
        FROM check_active a
        CROSS JOIN student o ON o.snils = a.snils AND NOT (o.school_id = :school AND o.id = a.id)
        JOIN enrollment e ON e.school_id = o.school_id AND e.student_id = o.id AND e.to_date IS NULL
        JOIN academic_year y ON y.id = e.year_id AND y.state <> 'closed'
        WHERE a.snils IS NOT NULL
        GROUP BY a.id
        """,
        "student.no-guardian": """
        SELECT a.id AS entity_id, a.class_name, json_object('name', a.name, 'class', a.class_name) AS params
        FROM check_active a
        WHERE (a.birth_date IS NULL OR CAST(substr(:today, 1, 4) AS INTEGER)
                - CAST(substr(a.birth_date, 1, 4) AS INTEGER) - (substr(:today, 6, 5) < substr(a.birth_date, 6, 5))
                < :adult_age)
            AND NOT EXISTS (SELECT 1 FROM guardian g WHERE g.school_id = :school AND g.student_id = a.id)
        """,
        "guardian.no-contact": """
        SELECT id AS entity_id, class_name, json_object('name', name, 'children', children) AS params
        FROM check_guardians WHERE phone IS NULL AND email IS NULL
        """,
        "guardian.phone-invalid": """
        SELECT id AS entity_id, class_name, json_object('name', name, 'children', children, 'phone', phone) AS params
        FROM check_guardians WHERE phone IS NOT NULL AND yeard_phone_ok(phone) = 0
        """,
        "consent.missing": """
        SELECT a.id AS entity_id, a.class_name,
            json_object('name', a.name, 'class', a.class_name,
                'withdrawn', (SELECT max(c.withdrawn_on) FROM consent c WHERE c.school_id = :school
                    AND c.person_kind = 'student' AND c.person_id = a.id)) AS params
        FROM check_active a
        WHERE NOT EXISTS (SELECT 1 FROM consent c WHERE c.school_id = :school AND c.person_kind = 'student'
            AND c.person_id = a.id AND c.signed_on <= :today
            AND (c.withdrawn_on IS NULL OR c.withdrawn_on > :today))
        """,
        "student.snils-invalid": """
        SELECT id AS entity_id, class_name,
            json_object('name', name, 'class', class_name, 'snils', substr(snils, 1, 3) || '-' || substr(snils, 4, 3)
                || '-' || substr(snils, 7, 3) || ' ' || substr(snils, 10, 2)) AS params
        FROM check_active WHERE snils IS NOT NULL AND yeard_snils_ok(snils) = 0
        """,
        "student.personal-file-missing": """
        SELECT id AS entity_id, class_name, json_object('name', name, 'class', class_name) AS params
        FROM check_active WHERE personal_file_no IS NULL
        """,
        "class.no-teacher": """
        SELECT name AS entity_id, name AS class_name, json_object('class', name) AS params
        FROM school_class WHERE year_id = :year AND class_teacher_id IS NULL
        """,
        "class.over-capacity": """
        SELECT c.name AS entity_id, c.name AS class_name,
            json_object('class', c.name, 'students', n.students, 'places', coalesce(c.capacity, :capacity),
                'v', CASE WHEN c.capacity IS NULL THEN 'default' ELSE 'own' END) AS params
        FROM school_class c
        JOIN (SELECT class_name, count(*) AS students FROM check_active GROUP BY class_name) n
            ON n.class_name = c.name
        WHERE c.year_id = :year AND n.students > coalesce(c.capacity, :capacity)
        """,
        "class.empty": """
        SELECT c.name AS entity_id, c.name AS class_name, json_object('class', c.name) AS params
        FROM school_class c
        WHERE c.year_id = :year AND NOT EXISTS (SELECT 1 FROM check_active a WHERE a.class_name = c.name)
        """,
        "staff.duplicate": """
        WITH named AS (
            SELECT id, last_name || ' ' || first_name || coalesce(' ' || middle_name, '') AS name
            FROM staff WHERE school_id = :school),
        grouped AS (
            SELECT id, name, count(*) OVER (PARTITION BY yeard_fold(name)) AS n,
                group_concat(id, ', ') OVER (PARTITION BY yeard_fold(name)) AS records
            FROM named)
        SELECT id AS entity_id, NULL AS class_name, json_object('name', name, 'n', n, 'records', records) AS params
        FROM grouped WHERE n > 1
        """,
        "curriculum.missing": """
        SELECT CAST(c.grade AS TEXT) AS entity_id, NULL AS class_name,
            json_object('grade', c.grade, 'classes', group_concat(c.name, ', ')) AS params
        FROM school_class c
        WHERE c.year_id = :year AND NOT EXISTS (SELECT 1 FROM curriculum cu WHERE cu.year_id = c.year_id
            AND cu.grade = c.grade)
        GROUP BY c.grade
        """,
        "period.missing": """
        SELECT CAST(c.grade AS TEXT) AS entity_id, NULL AS class_name,
            json_object('grade', c.grade, 'classes', group_concat(c.name, ', ')) AS params
        FROM school_class c
        WHERE c.year_id = :year AND NOT EXISTS (SELECT 1 FROM study_period p WHERE p.year_id = c.year_id
            AND p.grade = c.grade)
        GROUP BY c.grade
        """,
        "assignment.missing": """
        SELECT p.class_name || '/' || p.subject_id AS entity_id, p.class_name,
            json_object('class', p.class_name, 'subject', coalesce(sj.name, p.subject_id), 'subject_id', p.subject_id)
                AS params
        FROM check_planned p
        LEFT JOIN subject sj ON sj.school_id = :school AND sj.id = p.subject_id
        WHERE p.hours > 0 AND NOT EXISTS (SELECT 1 FROM assignment a WHERE a.year_id = :year
            AND a.class_name = p.class_name AND a.subject_id = p.subject_id)
        """,
        "assignment.orphan": """
        -- An assignment of a subject the class's curriculum lacks (carried from a grade that had it, or mistyped).
        SELECT a.class_name || '/' || a.subject_id || CASE WHEN a.grp <> '' THEN '/' || a.grp ELSE '' END
                AS entity_id, a.class_name,
            json_object('class', a.class_name,
                'teacher', coalesce((SELECT st.last_name || ' ' || st.first_name FROM staff st
                    WHERE st.school_id = :school AND st.id = a.teacher_id), a.teacher_id),
                'subject', coalesce((SELECT sj.name FROM subject sj WHERE sj.school_id = :school
                    AND sj.id = a.subject_id), a.subject_id),
                'grade', c.grade) AS params
        FROM assignment a JOIN school_class c ON c.year_id = a.year_id AND c.name = a.class_name
        WHERE a.year_id = :year AND NOT EXISTS (SELECT 1 FROM check_planned p WHERE p.class_name = a.class_name
            AND p.subject_id = a.subject_id)
            -- A grade without any curriculum is curriculum.missing's finding, not one per assignment.
            AND EXISTS (SELECT 1 FROM curriculum cu WHERE cu.year_id = :year AND cu.grade = c.grade)
        """,
        "schedule.hours-mismatch": """
        -- Each group of a class is timetabled for the subject's hours (groups may sit in different periods);
        -- the whole class is the group ''.
        WITH scheduled AS (
            SELECT class_name, subject_id, grp, count(DISTINCT weekday * 100 + period) AS periods
            FROM schedule_slot WHERE year_id = :year GROUP BY class_name, subject_id, grp),
        timetabled AS (SELECT DISTINCT class_name FROM schedule_slot WHERE year_id = :year)
        SELECT s.class_name || '/' || s.subject_id || CASE WHEN s.grp <> '' THEN '/' || s.grp ELSE '' END
                AS entity_id, s.class_name,
            json_object('class', s.class_name, 'group', nullif(s.grp, ''), 'periods', s.periods,
                'subject', s.subject_id, 'hours', coalesce(p.hours, 0)) AS params
        FROM scheduled s
        LEFT JOIN check_planned p ON p.class_name = s.class_name AND p.subject_id = s.subject_id
        WHERE s.periods <> coalesce(p.hours, 0)
        UNION ALL
        SELECT p.class_name || '/' || p.subject_id, p.class_name,
            json_object('class', p.class_name, 'periods', 0, 'subject', p.subject_id, 'hours', p.hours)
        FROM check_planned p JOIN timetabled t ON t.class_name = p.class_name
        WHERE p.hours > 0 AND NOT EXISTS (SELECT 1 FROM scheduled s WHERE s.class_name = p.class_name
            AND s.subject_id = p.subject_id)
        UNION ALL
        SELECT c.name, c.name, json_object('class', c.name, 'v', 'none')
        FROM school_class c
        WHERE c.year_id = :year AND NOT EXISTS (SELECT 1 FROM schedule_slot s WHERE s.year_id = c.year_id
            AND s.class_name = c.name)
        """,
        "schedule.teacher-conflict": """
        SELECT teacher_id || '/' || weekday || '-' || period AS entity_id, min(class_name) AS class_name,
            json_object('teacher', teacher_id, 'name', (SELECT st.last_name || ' ' || st.first_name FROM staff st
                    WHERE st.school_id = :school AND st.id = teacher_id),
                'classes', json_group_array(json_object('class', class_name, 'group', nullif(grp, ''))),
                'weekday', weekday, 'period', period) AS params
        FROM schedule_slot
        WHERE year_id = :year AND teacher_id IS NOT NULL
        GROUP BY teacher_id, weekday, period
        HAVING count(DISTINCT class_name || '/' || grp) > 1
        """,
        "schedule.room-conflict": """
        SELECT room || '/' || weekday || '-' || period AS entity_id, min(class_name) AS class_name,
            json_object('room', room, 'classes', json_group_array(DISTINCT class_name), 'weekday', weekday,
                'period', period) AS params
        FROM schedule_slot
        WHERE year_id = :year AND room IS NOT NULL
        GROUP BY room, weekday, period
        HAVING count(DISTINCT class_name) > 1
        """,
        "schedule.class-conflict": """
        SELECT class_name || '/' || weekday || '-' || period AS entity_id, class_name,
            json_object('class', class_name, 'n', count(*), 'weekday', weekday, 'period', period,
                'lessons', json_group_array(json_object('subject', subject_id, 'group', nullif(grp, '')))) AS params
        FROM schedule_slot
        WHERE year_id = :year
        GROUP BY class_name, weekday, period
        HAVING count(*) > 1 AND sum(grp = '') > 0
        """,
        "teacher.overload": """
        -- The load as schools count it (тарификация): the weekly curriculum hours of every assignment, each group
        -- on its own, not the timetable's slots (lessons wrongly put in one slot would hide the overload).
        SELECT a.teacher_id AS entity_id, NULL AS class_name,
            json_object('teacher', a.teacher_id, 'name', (SELECT st.last_name || ' ' || st.first_name
                FROM staff st WHERE st.school_id = :school AND st.id = a.teacher_id), 'hours', sum(p.hours),
                'max', :max_periods) AS params
        FROM assignment a JOIN check_planned p ON p.class_name = a.class_name AND p.subject_id = a.subject_id
        WHERE a.year_id = :year
        GROUP BY a.teacher_id
        HAVING sum(p.hours) > :max_periods
        """,
        "grade.final-missing": """
        -- Grade 1 is taught without marks; elsewhere a year grade of the subject's kind (a mark, or pass/fail for a
        -- pass/fail subject) or an exemption.
        SELECT a.id || '/' || p.subject_id AS entity_id, a.class_name,
            json_object('name', a.name, 'class', a.class_name,
                'subject', coalesce((SELECT sj.name FROM subject sj WHERE sj.school_id = :school
                    AND sj.id = p.subject_id), p.subject_id),
                'v', CASE WHEN p.assessment = 'pass_fail' THEN 'pass_fail' ELSE 'graded' END) AS params
        FROM check_active a JOIN check_planned p ON p.class_name = a.class_name AND p.hours > 0
        WHERE a.grade > 1 AND NOT EXISTS (SELECT 1 FROM final_grade f WHERE f.year_id = :year AND f.student_id = a.id
            AND f.subject_id = p.subject_id AND f.period = 'year'
            AND (f.grade = 'exempt' OR CASE WHEN p.assessment = 'pass_fail' THEN f.grade IN ('pass', 'fail')
                ELSE f.grade IN ('2', '3', '4', '5') END))
        """,
        "decision.missing": """
        SELECT a.id AS entity_id, a.class_name, json_object('name', a.name, 'class', a.class_name) AS params
        FROM check_active a
        WHERE NOT EXISTS (SELECT 1 FROM decision d WHERE d.year_id = :year AND d.student_id = a.id)
        """,
        "decision.inconsistent": """
        WITH reasons AS (
            -- The year's failing grades are few: one pass over the year's grades finds them.
            SELECT a.id, a.class_name, a.name,
                json_object('r', 'failing', 'outcome', d.outcome, 'subjects', group_concat(f.subject_id, ', '))
                    AS reason
            FROM final_grade f
            CROSS JOIN check_active a ON a.id = f.student_id
            JOIN decision d ON d.year_id = :year AND d.student_id = a.id AND d.outcome IN ('promoted', 'graduated')
            WHERE f.year_id = :year AND f.period = 'year' AND f.grade IN \(failing)
            GROUP BY a.id
            UNION ALL
            SELECT a.id, a.class_name, a.name, json_object('r', 'not-graduating', 'grade', a.grade)
            FROM check_active a
            JOIN decision d ON d.year_id = :year AND d.student_id = a.id AND d.outcome = 'graduated'
            WHERE a.grade NOT IN (SELECT value FROM json_each(\(graduating)))
            UNION ALL
            SELECT a.id, a.class_name, a.name, json_object('r', 'last-grade', 'outcome', d.outcome, 'grade', a.grade)
            FROM check_active a
            JOIN decision d ON d.year_id = :year AND d.student_id = a.id
                AND d.outcome IN ('promoted', 'conditional')
            WHERE a.grade >= :last_grade
            UNION ALL
            -- Going on after a stage's end (9 -> 10) needs its certificate, which academic debt withholds.
            SELECT a.id, a.class_name, a.name, json_object('r', 'stage-end', 'grade', a.grade, 'next', a.grade + 1)
            FROM check_active a
            JOIN decision d ON d.year_id = :year AND d.student_id = a.id AND d.outcome = 'conditional'
            WHERE a.grade < :last_grade AND a.grade IN (SELECT value FROM json_each(\(graduating)))
            UNION ALL
            -- A promotion leads to the next grade, a retention stays in the grade, an adapted programme goes at
            -- most one grade up.
            SELECT a.id, a.class_name, a.name,
                json_object('r', CASE d.outcome WHEN 'adapted' THEN 'target-above' ELSE 'target' END,
                    'outcome', d.outcome, 'target', d.target_class,
                    'grade', CASE d.outcome WHEN 'retained' THEN a.grade ELSE a.grade + 1 END)
            FROM check_active a
            JOIN decision d ON d.year_id = :year AND d.student_id = a.id AND d.target_class IS NOT NULL
            -- Stored class names are canonical (a grade and one letter): the grade is all but the last character.
            WHERE CASE d.outcome
                WHEN 'promoted' THEN CAST(substr(d.target_class, 1, length(d.target_class) - 1) AS INTEGER)
                    IS NOT a.grade + 1
                WHEN 'conditional' THEN CAST(substr(d.target_class, 1, length(d.target_class) - 1) AS INTEGER)
                    IS NOT a.grade + 1
                WHEN 'retained' THEN CAST(substr(d.target_class, 1, length(d.target_class) - 1) AS INTEGER)
                    IS NOT a.grade
                WHEN 'adapted' THEN CAST(substr(d.target_class, 1, length(d.target_class) - 1) AS INTEGER)
                    > a.grade + 1
                ELSE 0 END)
        SELECT id AS entity_id, class_name,
            json_object('name', name, 'class', class_name, 'reasons', json_group_array(json(reason))) AS params
        FROM reasons GROUP BY id
        """,
        "decision.order-missing": """
        SELECT a.id AS entity_id, a.class_name,
            json_object('name', a.name, 'class', a.class_name, 'outcome', d.outcome,
                'v', CASE WHEN d.order_no IS NULL AND d.order_date IS NULL THEN 'both'
                    WHEN d.order_no IS NULL THEN 'number' ELSE 'date' END) AS params
        FROM check_active a JOIN decision d ON d.year_id = :year AND d.student_id = a.id
        WHERE d.order_no IS NULL OR d.order_date IS NULL
        """,
        "movement.unbalanced": """
        WITH started AS (
            SELECT class_name, count(*) AS n FROM enrollment
            WHERE year_id = :year AND school_id = :school AND from_date <= :start
                AND (to_date IS NULL OR to_date > :start)
            GROUP BY class_name),
        present AS (
            SELECT class_name, count(*) AS n FROM check_active GROUP BY class_name),
        arrived AS (
            SELECT class_to AS class_name, count(*) AS n FROM school_order
            WHERE year_id = :year AND school_id = :school AND effective_on > :start
                AND kind IN ('enrollment', 'transfer_in', 'class_change')
            GROUP BY class_to),
        departed AS (
            -- By the class the student was in when the order took effect (an order's class_from is optional).
            SELECT (SELECT e.class_name FROM enrollment e WHERE e.year_id = :year AND e.school_id = :school
                    AND e.student_id = o.student_id AND e.from_date <= o.effective_on
                    AND e.order_no IS NOT o.order_no
                    ORDER BY e.from_date DESC, e.id DESC LIMIT 1) AS class_name, count(*) AS n
            FROM school_order o
            WHERE o.year_id = :year AND o.school_id = :school AND o.effective_on > :start
                AND o.kind IN ('withdrawal', 'transfer_out', 'class_change', 'graduation')
            GROUP BY 1),
        counts AS (
            SELECT c.name, coalesce(s.n, 0) AS start_count, coalesce(a.n, 0) AS arrived,
                coalesce(d.n, 0) AS departed, coalesce(p.n, 0) AS now_count
            FROM school_class c
            LEFT JOIN started s ON s.class_name = c.name
            LEFT JOIN arrived a ON a.class_name = c.name
            LEFT JOIN departed d ON d.class_name = c.name
            LEFT JOIN present p ON p.class_name = c.name
            WHERE c.year_id = :year)
        SELECT name AS entity_id, name AS class_name,
            json_object('class', name, 'start', start_count, 'arrived', arrived, 'left', departed,
                'expected', start_count + arrived - departed, 'now', now_count) AS params
        FROM counts WHERE start_count + arrived - departed <> now_count
        """,
        "decision.destination-missing": """
        SELECT a.id AS entity_id, a.class_name,
            json_object('name', a.name, 'class', a.class_name, 'v', 'decision') AS params
        FROM check_active a JOIN decision d ON d.year_id = :year AND d.student_id = a.id
        WHERE d.outcome = 'transferred' AND coalesce(trim(d.destination), '') = ''
        UNION ALL
        SELECT o.student_id || '/' || o.order_no, o.class_from,
            json_object('name', coalesce((SELECT s.last_name || ' ' || s.first_name || coalesce(' ' || s.middle_name, '')
                FROM student s WHERE s.school_id = :school AND s.id = o.student_id), o.student_id),
                'order', o.order_no, 'date', o.order_date, 'v', 'order')
        FROM school_order o
        WHERE o.school_id = :school AND o.year_id = :year AND o.kind = 'transfer_out'
            AND coalesce(trim(o.destination), '') = ''
        """,
        "movement.order-missing": """
        SELECT e.student_id AS entity_id, min(e.class_name) AS class_name,
            json_object('name', coalesce((SELECT s.last_name || ' ' || s.first_name || coalesce(' ' || s.middle_name, '')
                FROM student s WHERE s.school_id = :school AND s.id = e.student_id), e.student_id),
                'stays', json_group_array(json_object('r', CASE
                    WHEN e.from_date > :start AND e.order_no IS NULL AND e.to_date IS NOT NULL
                        AND e.closing_order_no IS NULL THEN 'was'
                    WHEN e.from_date > :start AND e.order_no IS NULL THEN 'came'
                    ELSE 'left' END, 'class', e.class_name, 'from', e.from_date, 'to', e.to_date))) AS params
        FROM enrollment e
        WHERE e.year_id = :year AND e.school_id = :school
            AND ((e.from_date > :start AND e.order_no IS NULL)
                OR (e.to_date IS NOT NULL AND e.closing_order_no IS NULL))
        GROUP BY e.student_id
        """,
        "graduate.certificate-missing": """
        -- A graduating grade ends with its certificate: basic after a graduating grade short of the last (9), also
        -- for those who go on; secondary after the last (11).
        SELECT a.id AS entity_id, a.class_name,
            json_object('name', a.name, 'class', a.class_name, 'outcome', d.outcome,
                'v', CASE WHEN a.grade >= :last_grade THEN 'secondary' ELSE 'basic' END) AS params
        FROM check_active a
        JOIN decision d ON d.year_id = :year AND d.student_id = a.id AND d.outcome IN ('graduated', 'promoted')
        WHERE a.grade IN (SELECT value FROM json_each(\(graduating)))
            AND (d.outcome = 'graduated' OR a.grade < :last_grade)
            AND NOT EXISTS (SELECT 1 FROM certificate c WHERE c.year_id = :year AND c.student_id = a.id
                AND c.kind = CASE WHEN a.grade >= :last_grade THEN 'secondary' ELSE 'basic' END)
        """,
        "debt.overdue": """
        -- A debt carried into this year that no passing retake has cleared, past its deadline or after two
        -- failed retakes (art. 58): at the parents' choice, retention, an adapted programme or an individual plan.
        SELECT a.id AS entity_id, a.class_name,
            json_object('name', a.name, 'class', a.class_name, 'subjects', d.subjects, 'deadline', d.deadline,
                'v', CASE WHEN d.deadline < :today THEN 'deadline' ELSE 'retakes' END) AS params
        FROM academic_debt d JOIN check_active a ON a.id = d.student_id
        WHERE d.year_id = :year AND d.school_id = :school
            AND yeard_list_open(d.subjects, (SELECT group_concat(t.subject, char(31)) FROM debt_retake t
                WHERE t.year_id = d.year_id AND t.student_id = d.student_id AND t.result NOT IN \(failing))) = 1
            AND (d.deadline < :today OR EXISTS (SELECT 1 FROM debt_retake t WHERE t.year_id = d.year_id
                AND t.student_id = d.student_id AND t.attempt = 2 AND t.result IN \(failing)))
        """,
        "decision.retained-without-basis": """
        -- Retention is the parents' choice when a debt was not cleared (art. 58): an uncleared debt carried into
        -- the year, or the parents' statement, must stand behind it.
        SELECT a.id AS entity_id, a.class_name,
            json_object('name', a.name, 'class', a.class_name) AS params
        FROM check_active a
        JOIN decision d ON d.year_id = :year AND d.student_id = a.id AND d.outcome = 'retained'
        WHERE d.statement_on IS NULL
            AND NOT EXISTS (SELECT 1 FROM academic_debt b WHERE b.year_id = :year AND b.student_id = a.id
                AND yeard_list_open(b.subjects, (SELECT group_concat(t.subject, char(31)) FROM debt_retake t
                    WHERE t.year_id = b.year_id AND t.student_id = b.student_id AND t.result NOT IN \(failing))) = 1)
        """,
        "graduate.exam-admission": """
        SELECT a.id AS entity_id, a.class_name,
            json_object('name', a.name, 'class', a.class_name,
                'subjects', (SELECT group_concat(f.subject_id, ', ') FROM final_grade f
                    WHERE f.year_id = :year AND f.student_id = a.id AND f.period = 'year' AND f.grade IN \(failing)),
                'debts', (SELECT d.debts FROM decision d WHERE d.year_id = :year AND d.student_id = a.id)) AS params
        FROM check_active a
        WHERE a.grade IN (SELECT value FROM json_each(\(graduating)))
            AND (EXISTS (SELECT 1 FROM final_grade f WHERE f.year_id = :year AND f.student_id = a.id
                    AND f.period = 'year' AND f.grade IN \(failing))
                OR EXISTS (SELECT 1 FROM decision d WHERE d.year_id = :year AND d.student_id = a.id
                    AND d.debts IS NOT NULL))
        """,
    ]
}
