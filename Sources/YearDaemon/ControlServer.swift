import CSystemd
import Foundation
import Glibc
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import YearCore
import YearProtocol

/// The control socket: Varlink over a Unix stream socket, bound by the daemon or passed by systemd.
///
/// Each connection runs in its own task and serves its calls one after another; the caller is identified once, by
/// the kernel (SO_PEERCRED), when it connects. On graceful shutdown the listener closes, idle connections close, and
/// a call in flight finishes and is answered before its connection closes.
final class ControlServer: Service {
    private let state: DaemonState
    private let dispatcher: Dispatcher
    private let logger: Logger
    /// The open connections (read by tests).
    let registry: ConnectionRegistry
    private let listener: NIOAsyncChannel<Accepted, Never>
    /// Callers' names, looked up off the cooperative pool.
    private let identities = PeerIdentityCache()

    /// A connection just accepted, with the kernel's word on who is calling.
    struct Accepted: Sendable {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        let uid: UInt32, gid: UInt32, groups: [UInt32]
    }

    private struct Credentials: Sendable {
        var pid: Int32 = 0, uid: UInt32 = 0, gid: UInt32 = 0
    }

    private init(
        state: DaemonState, dispatcher: Dispatcher, logger: Logger, registry: ConnectionRegistry,
        listener: NIOAsyncChannel<Accepted, Never>
    ) {
        self.registry = registry
        self.state = state
        self.dispatcher = dispatcher
        self.logger = logger
        self.listener = listener
    }

    /// Binds the socket (or adopts systemd's) so that it exists before READY=1 is sent.
    static func bind(state: DaemonState, dispatcher: Dispatcher, logger: Logger, inherited: Int32?) async throws
        -> ControlServer
    {
        let configuration = state.configuration
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
        let registry = ConnectionRegistry()
        // The limits are read for each connection, so that a reload applies them to the next one.
        let initializer: @Sendable (any Channel) -> EventLoopFuture<Accepted> = { channel in
            let limits = state.configuration
            let maxMessage = limits.maxMessageBytes
            let idle = TimeAmount.milliseconds(Int64(limits.idleTimeout * 1000))
            guard let provider = channel as? (any SocketOptionProvider) else {
                return channel.eventLoop.makeFailedFuture(ChannelError.operationUnsupported)
            }
            let credentials: EventLoopFuture<Credentials> = provider.unsafeGetSocketOption(
                level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
            // More groups than the buffer holds (ERANGE) leaves the caller with its primary group only.
            let groups: EventLoopFuture<[UInt32]> = provider.unsafeGetSocketOption(
                level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(yeard_so_peergroups)
            ).map { (answer: yeard_peer_groups) in PeerIdentity.groups(from: answer) }.recover { _ in [] }
            return credentials.and(groups).flatMapThrowing { credentials, groups in
                try channel.pipeline.syncOperations.addHandler(
                    ByteToMessageHandler(VarlinkFrameDecoder(maximumSize: maxMessage)))
                try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idle))
                try channel.pipeline.syncOperations.addHandler(IdleCloseHandler(registry: registry))
                let wrapped = try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                    wrappingChannelSynchronously: channel,
                    configuration: .init(isOutboundHalfClosureEnabled: true))
                return Accepted(channel: wrapped, uid: credentials.uid, gid: credentials.gid, groups: groups)
            }
        }
        let listener: NIOAsyncChannel<Accepted, Never>
        if let inherited {
            listener = try await bootstrap.bind(inherited, childChannelInitializer: initializer)
            logger.info("listening on the socket passed by systemd", metadata: ["fd": "\(inherited)"])
        } else {
            let path = configuration.socketPath
            try prepareSocketPath(path)
            listener = try await bootstrap.bind(
                unixDomainSocketPath: path, cleanupExistingSocketFile: true, childChannelInitializer: initializer)
            try secure(path, mode: configuration.socketMode, group: configuration.socketGroup)
            logger.info("listening", metadata: ["socket": "\(path)"])
        }
        return ControlServer(
            state: state, dispatcher: dispatcher, logger: logger, registry: registry, listener: listener)
    }

    /// Refuses to take over a socket another live daemon is listening on; a stale socket file is removed by bind.
    private static func prepareSocketPath(_ path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        guard FileManager.default.fileExists(atPath: path) else { return }
        let probe = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard probe >= 0 else { return }
        defer { close(probe) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8.prefix(raw.count - 1))
            raw.copyBytes(from: bytes)
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(probe, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        // Only a refused connection proves the file stale; anything else (a live socket that is full, or one this
        // process may not connect to) must not be removed from under its owner.
        let reason = errno
        if connected == 0 || reason != ECONNREFUSED {
            throw DaemonError.socketInUse(path)
        }
    }

    /// Gives the socket file the mode and group of the configuration (again after a reload).
    static func secure(_ path: String, mode: UInt32, group: String?) throws {
        if let group {
            guard let gid = PeerIdentity.groupID(group) else { throw DaemonError.unknownGroup(group) }
            guard chown(path, UInt32.max, gid) == 0 else {
                throw DaemonError.socketSetup(path, "chown to group \(group): \(String(cString: strerror(errno)))")
            }
        }
        guard chmod(path, mode_t(mode)) == 0 else {
            throw DaemonError.socketSetup(path, "chmod: \(String(cString: strerror(errno)))")
        }
    }

    /// Accepts connections until graceful shutdown.
    func run() async throws {
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await listener.executeThenClose { inbound in
                    for try await accepted in inbound {
                        group.addTask { await self.serve(accepted) }
                    }
                }
            }
        } onGracefulShutdown: {
            self.registry.shutDown()
            self.listener.channel.close(promise: nil)
        }
        logger.info("control socket closed")
    }

    private func serve(_ accepted: Accepted) async {
        let channel = accepted.channel.channel
        let configuration = state.configuration
        if let refusal = registry.admit(
            channel, uid: accepted.uid, maxTotal: configuration.maxConnections,
            maxPerUID: configuration.maxConnectionsPerUID)
        {
            await refuse(accepted, refusal)
            return
        }
        defer { registry.remove(channel) }
        let idleTimeout = TimeAmount.milliseconds(Int64(configuration.idleTimeout * 1000))
        let caller = await identities.caller(uid: accepted.uid, gid: accepted.gid, groups: accepted.groups)
        do {
            try await accepted.channel.executeThenClose { inbound, outbound in
                func send(_ data: Data) async throws {
                    var buffer = channel.allocator.buffer(capacity: data.count + 1)
                    buffer.writeBytes(data)
                    buffer.writeInteger(UInt8(0))
                    // A client that stops reading cannot hold the connection (or shutdown) forever.
                    let deadline = channel.eventLoop.scheduleTask(in: idleTimeout) { channel.close(promise: nil) }
                    defer { deadline.cancel() }
                    try await outbound.write(buffer)
                }
                for try await frame in inbound {
                    // A call read after shutdown began is not started: its connection is being closed.
                    if registry.setBusy(channel, true) { return }
                    let outcome = await dispatcher.handle(Data(frame.readableBytesView), from: caller)
                    switch outcome {
                    case .reply(let data):
                        try await send(data)
                    case .none:
                        break
                    case .replyAndClose(let data, let reason):
                        logger.notice(
                            "closing a connection after a message that is not a Varlink call",
                            metadata: ["uid": "\(caller.uid)", "reason": "\(reason)"])
                        try await send(data)
                        return
                    }
                    if registry.setBusy(channel, false) { return }
                }
            }
        } catch let error as VarlinkFrameDecoder.FrameTooLarge {
            logger.notice(
                "closing a connection: message over the size limit",
                metadata: ["uid": "\(caller.uid)", "limit": "\(error.maximumSize)"])
        } catch {
            logger.debug("connection ended", metadata: ["uid": "\(caller.uid)", "error": "\(error)"])
        }
    }

    private func refuse(_ accepted: Accepted, _ refusal: ConnectionRegistry.Refusal) async {
        let message: String
        switch refusal {
        case .total(let limit): message = "yeard has \(limit) connections open, its limit; try again shortly"
        case .perUID(let limit): message = "you have \(limit) connections open to yeard, the limit per user"
        case .shuttingDown: message = "yeard is shutting down"
        }
        logger.warning("connection refused", metadata: ["uid": "\(accepted.uid)", "reason": "\(message)"])
        let error = VarlinkError(
            name: "io.yeard.Year.TooManyConnections", parameters: .object(["message": .string(message)]))
        try? await accepted.channel.executeThenClose { _, outbound in
            var buffer = ByteBuffer(bytes: Dispatcher.encodeError(error))
            buffer.writeInteger(UInt8(0))
            try await outbound.write(buffer)
        }
    }
}

/// Failures that stop the daemon from starting.
public enum DaemonError: Error, CustomStringConvertible {
    case socketInUse(String)
    case unknownGroup(String)
    case socketSetup(String, String)
    case configuration(String)

    /// One sentence for the sysadmin.
    public var description: String {
        switch self {
        case .socketInUse(let path): "another process is already listening on \(path); stop it or choose --socket"
        case .unknownGroup(let group): "socket_group '\(group)' does not exist; create it or change yeard.toml"
        case .socketSetup(let path, let reason): "cannot set up the socket \(path): \(reason)"
        case .configuration(let text): text
        }
    }
}
