import Foundation

/// The student section of the federal statistical form ОО-1 as a school fills it: its students by grade and by
/// class on the reference day (20 September), of them girls, students on adapted programmes and repeaters, the
/// number of classes per grade, and the students by age (full years on 1 January of the next year) and grade.
/// docs/reports.md says which rows of the form these fill and which yeard cannot know.
public struct OO1Report: Codable, Sendable, Equatable {
    /// The school's id and name, the year's label.
    public var school: String, schoolName: String, year: String
    /// The day counted (the form's "по состоянию на 20 сентября") and the day ages are counted on, `YYYY-MM-DD`
    /// (text on the wire, as every date of the protocol is).
    public var date: String, ageOn: String
    /// One line per grade that has students, in grade order.
    public var grades: [OO1Line]
    /// One line per class that has students, in grade and name order.
    public var classes: [OO1Line]
    /// Students by age and grade (ages clamped to `OO1Report.youngest` and `OO1Report.oldest`; a nil age holds
    /// the students with no birth date, after the others).
    public var ages: [OO1Age]
    /// The whole school.
    public var total: OO1Line

    /// The youngest age the form has a row of ("5 лет и моложе"); younger pupils count there.
    public static let youngest = 5
    /// The oldest age the form has a row of ("18 лет и старше"); older students count there.
    public static let oldest = 18

    /// The day ages are counted on for a report on `date`: 1 January of the year after the school year's start.
    public static func ageDay(for date: CalendarDate, yearStart: CalendarDate) -> CalendarDate {
        CalendarDate(year: yearStart.year + 1, month: 1, day: 1) ?? date
    }

    /// The default reference day of a year: 20 September of the year it starts in.
    public static func referenceDay(of year: AcademicYear) -> CalendarDate {
        referenceDay(yearStart: year.startDate)
    }

    /// The default reference day of a year starting on `yearStart`: 20 September of that calendar year.
    public static func referenceDay(yearStart: CalendarDate) -> CalendarDate {
        CalendarDate(year: yearStart.year, month: 9, day: 20) ?? yearStart
    }

    /// A student's full years on `day`: the birthday of that year counts once it has come.
    public static func fullYears(born: CalendarDate, on day: CalendarDate) -> Int {
        day.year - born.year - ((day.month, day.day) < (born.month, born.day) ? 1 : 0)
    }

    /// One group of students the store counted: a class of a grade, sex, age (nil: no birth date on record),
    /// whether repeating the grade, and whether on an adapted programme.
    public struct Count: Sendable, Equatable {
        public var grade: Int, className: String, girl: Bool, age: Int?, repeater: Bool, adapted: Bool, students: Int

        /// A count with every field given.
        public init(
            grade: Int, className: String, girl: Bool, age: Int?, repeater: Bool, adapted: Bool, students: Int
        ) {
            self.grade = grade
            self.className = className
            self.girl = girl
            self.age = age
            self.repeater = repeater
            self.adapted = adapted
            self.students = students
        }
    }

    /// The report made of the store's counts: classes, grades, ages and the total summed from the same groups, so
    /// that every total is the sum of its lines.
    public init(
        school: String, schoolName: String, year: String, date: CalendarDate, ageOn: CalendarDate, counts: [Count]
    ) {
        self.school = school
        self.schoolName = schoolName
        self.year = year
        self.date = date.description
        self.ageOn = ageOn.description
        var classes: [String: OO1Line] = [:]
        var ages: [String: OO1Age] = [:]
        for count in counts where count.students > 0 {
            classes[count.className, default: OO1Line(grade: count.grade, className: count.className)].add(count)
            let age = count.age.map { min(max($0, Self.youngest), Self.oldest) }
            ages["\(age.map(String.init) ?? "-") \(count.grade)", default: OO1Age(age: age, grade: count.grade)].add(
                count)
        }
        let classLines = classes.values.sorted {
            ($0.grade ?? 0, $0.className ?? "") < ($1.grade ?? 0, $1.className ?? "")
        }
        self.classes = classLines
        var grades: [Int: OO1Line] = [:]
        for line in classLines {
            grades[line.grade ?? 0, default: OO1Line(grade: line.grade, className: nil, classes: 0)].add(line)
        }
        self.grades = grades.values.sorted { ($0.grade ?? 0) < ($1.grade ?? 0) }
        self.ages = ages.values.sorted { ($0.age ?? .max, $0.grade) < ($1.age ?? .max, $1.grade) }
        var total = OO1Line(grade: nil, className: nil, classes: 0)
        for line in self.grades { total.add(line) }
        self.total = total
    }
}

/// A line of ОО-1: a class (`className` set), a grade (`grade` set) or the school (neither).
public struct OO1Line: Codable, Sendable, Equatable {
    /// The grade (nil for the school's line) and the class (nil for a grade's or the school's line).
    public var grade: Int?, className: String?
    /// Classes counted (1 for a class's line), students, of them girls, on adapted programmes, repeating the grade.
    public var classes: Int, students: Int, girls: Int, adapted: Int, repeaters: Int

    enum CodingKeys: String, CodingKey {
        case grade, className = "class", classes, students, girls, adapted, repeaters
    }

    /// An empty line.
    public init(
        grade: Int?, className: String?, classes: Int = 1, students: Int = 0, girls: Int = 0, adapted: Int = 0,
        repeaters: Int = 0
    ) {
        self.grade = grade
        self.className = className
        self.classes = classes
        self.students = students
        self.girls = girls
        self.adapted = adapted
        self.repeaters = repeaters
    }

    mutating func add(_ count: OO1Report.Count) {
        students += count.students
        if count.girl { girls += count.students }
        if count.adapted { adapted += count.students }
        if count.repeater { repeaters += count.students }
    }

    /// Adds `line`'s counts to this one's (a grade's classes, a region's schools).
    public mutating func add(_ line: OO1Line) {
        classes += line.classes
        students += line.students
        girls += line.girls
        adapted += line.adapted
        repeaters += line.repeaters
    }
}

/// Students of one age (full years on the report's `ageOn`) in one grade, and of them girls.
public struct OO1Age: Codable, Sendable, Equatable {
    /// The age (the youngest and oldest rows hold those younger and older too; nil: no birth date on record) and
    /// the grade.
    public var age: Int?, grade: Int
    /// Students and girls.
    public var students: Int = 0, girls: Int = 0

    /// A line with every field given.
    public init(age: Int?, grade: Int, students: Int = 0, girls: Int = 0) {
        self.age = age
        self.grade = grade
        self.students = students
        self.girls = girls
    }

    mutating func add(_ count: OO1Report.Count) {
        students += count.students
        if count.girl { girls += count.students }
    }
}
