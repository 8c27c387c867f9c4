/// The release of yeard: one version for the daemon, yearctl and yeard-gen (and the Debian package, which
/// scripts/build-deb names after `yeard --version`).
public enum Release {
    /// The version, as `--version` prints it.
    public static let version = "0.1.0"
}
