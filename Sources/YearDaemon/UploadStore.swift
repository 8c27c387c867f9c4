import Crypto
import Foundation
import Glibc
import Synchronization
import YearCore

/// Files being uploaded for import, kept in `STATE_DIR/uploads`: each belongs to the uid that started it, grows by
/// parts, and is removed when imported or an hour after its last part.
final class UploadStore: Sendable {
    struct Upload: Sendable {
        let owner: UInt32
        let path: String
        var bytes: Int64
        var touched: Date
    }

    /// What uploads in progress may hold (`[daemon] upload_*` in yeard.toml, read at each part so that a reload
    /// applies at once).
    struct Limits: Sendable, Equatable {
        /// Bytes of one uid's uploads in progress, together.
        var bytesPerUID: Int64 = 256 << 20
        /// Bytes of every upload in progress, together.
        var bytesTotal: Int64 = 1 << 30
        /// Uploads in progress of one uid.
        var uploadsPerUID = 8
        /// Space that must stay free on the file system of the state directory (which holds the database).
        var freeBytes: Int64 = 1 << 30
    }

    let directory: String
    private let uploads = Mutex<[String: Upload]>([:])

    init(directory: String) throws {
        self.directory = directory
        // Uploads do not survive a restart: whatever is left from before is removed.
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// Appends `data` to the upload `id` of `owner` (a new one when `id` is nil); returns its id and size.
    ///
    /// The bytes are reserved under the lock before they are written, so that concurrent parts cannot pass the
    /// limits: so many uploads and bytes per uid, so many bytes in all, and space left free on the file system that
    /// also holds the database. Each refusal says which limit and what to do; it writes nothing.
    func append(_ data: Data, to id: String?, owner: UInt32, limits: Limits = Limits(), now: Date = Date()) throws -> (
        id: String, bytes: Int64
    ) {
        let free = Self.freeBytes(directory)
        let size = Int64(data.count)
        func mebibytes(_ bytes: Int64) -> String { "\((bytes >> 20) + (bytes & ((1 << 20) - 1) == 0 ? 0 : 1)) MiB" }
        let (id, path, isNew, total) = try uploads.withLock { table -> (String, String, Bool, Int64) in
            let mine = table.values.filter { $0.owner == owner }.reduce(Int64(0)) { $0 + $1.bytes }
            guard mine + size <= limits.bytesPerUID else {
                throw YearError.invalid("data", "uploads-per-uid", ["size": mebibytes(limits.bytesPerUID)])
            }
            let inFlight = table.values.reduce(Int64(0)) { $0 + $1.bytes }
            guard inFlight + size <= limits.bytesTotal else {
                throw YearError.invalid("data", "uploads-total", ["size": mebibytes(limits.bytesTotal)])
            }
            guard free - size >= limits.freeBytes else {
                throw YearError.invalid("data", "uploads-disk", ["size": mebibytes(limits.freeBytes)])
            }
            if let id {
                guard var existing = table[id], existing.owner == owner else { throw YearError.uploadNotFound(id: id) }
                existing.bytes += Int64(data.count)
                existing.touched = now
                table[id] = existing
                return (id, existing.path, false, existing.bytes)
            }
            guard table.values.filter({ $0.owner == owner }).count < limits.uploadsPerUID else {
                throw YearError.invalid("upload", "uploads-count", ["count": String(limits.uploadsPerUID)])
            }
            let id = UUID().uuidString.lowercased()
            let upload = Upload(owner: owner, path: directory + "/" + id, bytes: Int64(data.count), touched: now)
            table[id] = upload
            return (id, upload.path, true, upload.bytes)
        }
        if isNew { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw YearError.internalFailure(reason: "cannot write the upload")
        }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: data)
        return (id, total)
    }

    /// Bytes available to the daemon on the file system of `path`.
    static func freeBytes(_ path: String) -> Int64 {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return Int64.max }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }

    /// Takes the finished upload `id` of `owner`: its path and the SHA-256 (hex) of its content, read back from the
    /// file. The caller removes the file.
    func take(_ id: String, owner: UInt32) throws -> (path: String, sha256: String)? {
        let taken = uploads.withLock { table -> Upload? in
            guard let upload = table[id], upload.owner == owner else { return nil }
            table[id] = nil
            return upload
        }
        guard let taken else { return nil }
        guard let handle = FileHandle(forReadingAtPath: taken.path) else {
            throw YearError.internalFailure(reason: "the upload's file is gone")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return (taken.path, hasher.finalize().map { String(format: "%02x", $0) }.joined())
    }

    /// Removes uploads untouched for `age`.
    func expire(olderThan age: TimeInterval, now: Date = Date()) {
        let stale = uploads.withLock { table in
            let stale = table.filter { now.timeIntervalSince($0.value.touched) > age }
            for id in stale.keys { table[id] = nil }
            return stale.values.map(\.path)
        }
        for path in stale { try? FileManager.default.removeItem(atPath: path) }
    }
}
