import NIOCore

/// Splits a byte stream into Varlink messages: each message is JSON followed by one NUL byte.
///
/// Written here because Varlink's framing is this one rule and no maintained Swift package implements it; NIO's
/// `ByteToMessageDecoder` does the buffering. A message longer than `maximumSize` without a NUL is an error, so a
/// client cannot make the daemon buffer without bound.
public struct VarlinkFrameDecoder: ByteToMessageDecoder, Sendable {
    /// A message grew past the limit before its terminating NUL.
    public struct FrameTooLarge: Error, Equatable {
        /// The limit in bytes.
        public let maximumSize: Int
    }

    /// One complete message, without its NUL.
    public typealias InboundOut = ByteBuffer

    /// The largest message accepted, in bytes.
    public let maximumSize: Int
    /// How many bytes of the buffered message are already known to hold no NUL, so that a message arriving in
    /// many small reads is scanned once, not once per read.
    private var scanned = 0

    /// A decoder with this limit (1 MiB by default).
    public init(maximumSize: Int = 1 << 20) { self.maximumSize = maximumSize }

    /// Emits every complete message in `buffer`.
    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        guard let nul = view[(view.startIndex + min(scanned, view.count))...].firstIndex(of: 0) else {
            if buffer.readableBytes > maximumSize { throw FrameTooLarge(maximumSize: maximumSize) }
            scanned = view.count
            return .needMoreData
        }
        scanned = 0
        let length = nul - buffer.readerIndex
        if length > maximumSize { throw FrameTooLarge(maximumSize: maximumSize) }
        guard let message = buffer.readSlice(length: length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 1)
        context.fireChannelRead(wrapInboundOut(message))
        return .continue
    }

    /// Drops a partial message at the end of the stream.
    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
        -> DecodingState
    {
        while try decode(context: context, buffer: &buffer) == .continue {}
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return .needMoreData
    }
}
