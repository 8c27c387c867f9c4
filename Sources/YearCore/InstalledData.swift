import Foundation

/// Where yeard's programs look for the data installed with them (message catalogues, document templates): a
/// directory named in the environment, one beside the running program (a build's own), `../share/...` from it
/// (`/usr/bin` -> `/usr/share/...`, under any prefix), then the system's.
public enum InstalledData {
    /// The directories, in order, without repeats: `$variable` when set, `besideProgram` and `../share/underShare`
    /// from the running program's directory, and `/usr/share/underShare`.
    public static func directories(
        variable: String, besideProgram: String, underShare: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> [String] {
        var directories: [String] = []
        if let configured = environment[variable], !configured.isEmpty { directories.append(configured) }
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            let binDirectory = (executable as NSString).deletingLastPathComponent
            directories.append(binDirectory + "/" + besideProgram)
            directories.append(
                ((binDirectory as NSString).deletingLastPathComponent as NSString)
                    .appendingPathComponent("share/" + underShare))
        }
        directories.append("/usr/share/" + underShare)
        var seen: Set<String> = []
        return directories.filter { seen.insert($0).inserted }
    }
}
