import AvatarSystem
import CPostgres
import Foundation

/// One libpq connection, opened lazily and opened again after it was lost.
///
/// Confinement: the `PGconn` is touched only inside `withSession`, which
/// holds `lock` for the whole call, and callers run `withSession` only on
/// a `BlockingPool` thread (libpq blocks). So one statement or transaction
/// at a time, never on Swift's cooperative pool.
public final class PGConnection: @unchecked Sendable {
    private let lock = NSLock()
    private var conn: OpaquePointer?
    private let conninfo: String
    private let applicationName: String
    /// Runs once on every new connection (migrations), inside the lock.
    private let onConnect: (@Sendable (PGSession) throws -> Void)?
    /// More libpq keywords (keepalives, tcp_user_timeout) that the conninfo may override.
    private let options: [(key: String, value: String)]

    /// - Parameters:
    ///   - conninfo: a postgresql:// URI, a key=value string or "" (PG* variables).
    ///   - options: libpq connection keywords used as defaults (the conninfo wins).
    ///   - onConnect: run on each fresh connection before any other use.
    public init(conninfo: String, applicationName: String = "avatar-spool",
                options: [(key: String, value: String)] = [],
                onConnect: (@Sendable (PGSession) throws -> Void)? = nil) {
        self.conninfo = conninfo
        self.applicationName = applicationName
        self.options = options
        self.onConnect = onConnect
    }

    deinit { if let conn { PQfinish(conn) } }

    /// Runs `body` with the open connection (connecting first if needed).
    /// Blocking: call it from a `BlockingPool` thread.
    /// - Throws: `PGError` from PQconnectdbParams or from `body`'s statements;
    ///   after a lost connection the next call connects anew.
    public func withSession<T>(_ body: (PGSession) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        let session = try open()
        do {
            return try body(session)
        } catch {
            if PQstatus(session.conn) != CONNECTION_OK {
                PQfinish(conn)
                conn = nil
            }
            throw error
        }
    }

    /// Waits up to `timeoutMS` for the server to send something on the open
    /// connection while nothing is asked of it: on an idle session that is a
    /// termination (`pg_terminate_backend`, a restart, idle_session_timeout)
    /// or a notice. Returns true then, false after the time-out or when no
    /// connection is open. The lock is not held while waiting.
    /// Blocking: call it from a dedicated thread.
    public func waitForServer(timeoutMS: Int32) -> Bool {
        let fd: Int32 = lock.withLock { conn.map { PQsocket($0) } ?? -1 }
        guard fd >= 0 else { return false }
        // A descriptor reused after a reconnect can only wake us early (a harmless extra heartbeat).
        return Sys.poll(fd, events: Int16(POLLIN), timeoutMS: timeoutMS)
    }

    /// Closes the connection (the next `withSession` opens a new one).
    public func close() {
        lock.lock()
        defer { lock.unlock() }
        if let conn { PQfinish(conn) }
        conn = nil
    }

    private func connect(timeout: String?) -> OpaquePointer? {
        let keys = options.map { strdup($0.key) }, values = options.map { strdup($0.value) }
        defer { (keys + values).forEach { free($0) } }
        let k = keys.map { UnsafePointer($0) }, v = values.map { UnsafePointer($0) }
        return k.withUnsafeBufferPointer { kb in
            v.withUnsafeBufferPointer { vb in
                cpq_connect_with(conninfo, applicationName, timeout, Int32(options.count), kb.baseAddress, vb.baseAddress)
            }
        }
    }

    private func open() throws -> PGSession {
        if let conn, PQstatus(conn) == CONNECTION_OK { return PGSession(conn: conn) }
        if let conn { PQfinish(conn) }
        conn = nil
        // A default time-out, so an unreachable server costs seconds, not
        // minutes of TCP retries; PGCONNECT_TIMEOUT or the URI's own win.
        let timeout: String? = ProcessInfo.processInfo.environment["PGCONNECT_TIMEOUT"] == nil ? "5" : nil
        let fresh = connect(timeout: timeout)
        guard let fresh else { throw PGError(.connection, message: "out of memory", context: "connect") }
        guard PQstatus(fresh) == CONNECTION_OK else {
            let message = PGError.oneLine(String(cString: PQerrorMessage(fresh)))
            PQfinish(fresh)
            throw PGError(.connection, message: message, context: "connect")
        }
        let session = PGSession(conn: fresh)
        do {
            try onConnect?(session)
        } catch {
            PQfinish(fresh)
            throw error
        }
        conn = fresh
        return session
    }
}

/// The statements one may run on an open connection, inside `withSession`.
/// Not Sendable and not to be kept: it lives as long as the closure.
public struct PGSession {
    let conn: OpaquePointer

    /// Runs `sql` with `parameters` bound as $1, $2… (text; nil is NULL).
    /// - Returns: the rows, column name → text (nil for NULL), in order.
    /// - Throws: `PGError` with the server's SQLSTATE and message.
    @discardableResult
    public func query(_ sql: String, _ parameters: [String?] = [], context: String = "query") throws -> [[String: String?]] {
        let copies = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { copies.forEach { free($0) } }
        let result = copies.map { $0.map { UnsafePointer($0) } }.withUnsafeBufferPointer { values in
            cpq_exec(conn, sql, Int32(values.count), values.baseAddress)
        }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            let lost = PQstatus(conn) != CONNECTION_OK
            var message = result.map { String(cString: PQresultErrorMessage($0)) } ?? ""
            if message.isEmpty { message = String(cString: PQerrorMessage(conn)) }
            throw PGError(lost ? .connection : .query, sqlstate: String(cString: cpq_sqlstate(result)),
                          message: PGError.oneLine(message), context: context)
        }
        let rows = Int(PQntuples(result))
        let columns = Int(PQnfields(result))
        let names = (0..<columns).map { String(cString: PQfname(result, Int32($0))) }
        var out: [[String: String?]] = []
        out.reserveCapacity(rows)
        for r in 0..<rows {
            var row: [String: String?] = [:]
            for c in 0..<columns {
                row[names[c]] = PQgetisnull(result, Int32(r), Int32(c)) == 1
                    ? .some(nil) : .some(String(cString: PQgetvalue(result, Int32(r), Int32(c))))
            }
            out.append(row)
        }
        return out
    }

    /// Runs `body` between BEGIN and COMMIT; ROLLBACK when it throws.
    public func transaction<T>(context: String, _ body: () throws -> T) throws -> T {
        try query("BEGIN", context: context)
        do {
            let value = try body()
            try query("COMMIT", context: context)
            return value
        } catch {
            _ = try? query("ROLLBACK", context: context)
            throw error
        }
    }
}
