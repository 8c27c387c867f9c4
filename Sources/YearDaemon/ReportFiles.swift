import Foundation
import YearCore
import YearReports

/// The report files of a run, for people: `DIR/SCHOOL/checks-last.*` (the whole run) and `readiness-start.*`,
/// `readiness-close.*` (the run's findings of the checks that apply), each as .txt, .csv, .json and .html. Each file
/// is written to a temporary name and renamed, so that a reader never sees half a report. They are in the school's
/// `language` of `yeard.toml`, with times on its wall clock.
enum ReportFiles {
    /// Writes the reports of `run` under `directory`; returns the paths written.
    @discardableResult
    static func write(
        _ run: CheckRun, to directory: String, _ l: Localizer = .english, zone: TimeZone = .gmt,
        templates: Templates? = nil
    ) throws -> [String] {
        let folder = (directory as NSString).appendingPathComponent(run.school)
        try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        let reports = [
            ("checks-last", CheckReport(run: run)), ("readiness-start", CheckReport(readiness: .start, of: run)),
            ("readiness-close", CheckReport(readiness: .close, of: run)),
        ]
        var written: [String] = []
        for (name, report) in reports {
            for format in CheckReport.Format.allCases {
                let path = (folder as NSString).appendingPathComponent("\(name).\(format.fileExtension)")
                try Data(report.rendered(as: format, l, zone: zone, templates: templates).utf8).write(
                    to: URL(fileURLWithPath: path), options: .atomic)
                written.append(path)
            }
        }
        return written
    }
}
