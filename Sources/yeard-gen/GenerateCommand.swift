import ArgumentParser
import Foundation
import YearCore
import YearGenerator

/// `yeard-gen`: writes a realistic, deterministic school registry as CSV files.
@main
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "yeard-gen",
        abstract: "Write a generated school registry as CSV files in the formats of docs/formats.md.",
        discussion: """
            school: one school (~1,000 students) written straight into DIR; district (50 schools) and region \
            (1,000 schools) write DIR/school-NNNN/ for each, and DIR/schools.toml with their [[school]] entries. \
            Load a school in the order staff, subjects, classes, students, orders, guardians, consents, applications, \
            curriculum, assignments, schedule, grades, decisions. The schools are clean under the whole check \
            catalogue; --defects N plants N defects in each (missing birth dates, consents, grades, decisions, class \
            teachers, duplicates, bad SNILS and phones...) and writes the manifest of what the checks must find, one \
            'CHECK ENTITY' line each, to defects.txt beside the school's files.
            """,
        version: Release.version)

    @Option(help: "school, district or region.") var size: String = "school"
    @Option(help: "The seed: the same seed gives the same files.") var seed: UInt64 = 1
    @Option(help: "The first calendar year of the academic year.") var year: Int = 2026
    @Option(help: "The directory to write.") var out: String
    @Option(help: "Defects to plant in each school (0: a clean school).") var defects: Int = 0

    func run() throws {
        guard let size = RegistryGenerator.Size(rawValue: size) else {
            throw ValidationError("--size must be school, district or region")
        }
        guard (0...10000).contains(defects) else { throw ValidationError("--defects must be from 0 to 10000") }
        let generator = RegistryGenerator(seed: seed, startYear: year)
        let manager = FileManager.default
        var toml = ""
        for index in 0..<size.schools {
            let id = String(format: "school-%04d", index + 1)
            let directory = size == .school ? out : out + "/" + id
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let (files, planted) = generator.school(index, defects: defects)
            for (kind, text) in files {
                try Data(text.utf8).write(to: URL(fileURLWithPath: "\(directory)/\(kind.rawValue).csv"))
            }
            if defects > 0 {
                try Data(planted.map { "\($0)\n" }.joined().utf8).write(
                    to: URL(fileURLWithPath: "\(directory)/defects.txt"))
            }
            toml += "[[school]]\nid = \"\(id)\"\nname = \"Школа № \(index + 1)\"\ntime_zone = \"Europe/Moscow\"\n\n"
        }
        try Data(toml.utf8).write(to: URL(fileURLWithPath: out + "/schools.toml"))
        print("wrote \(size.schools) school(s) to \(out)")
    }
}
