using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Switchyard.Protocol.Framing;
using Switchyard.Protocol.Responses;
using static Switchyard.Benchmarks.Floor.Libc;
using static Switchyard.Proxy.Transport.Epoll.LinuxSocketCalls;

namespace Switchyard.Benchmarks.Floor;

/// <summary>
/// An experiment, not a proxy: does pipelining many clients' statements over a few backend connections beat the
/// two-hop floor of a one-to-one relay (<see cref="EpollRelay"/>)? Each client logs in through its own backend
/// connection, passed through byte for byte. From then on, every client command goes to one of LANES shared
/// backend connections (the first LANES clients' own), queued behind the commands already sent on it without
/// waiting for their answers; the answers come back in order and each goes to the client that asked (found with
/// the proxy's <see cref="ResponseScanner"/>). Everything read in one epoll wake-up is sent with one send per
/// connection. Only for statements that do not change the session, which every client on a lane shares: sysbench
/// oltp_point_select, text or prepared (scripts/bench-floor.sh, target <c>pipeline</c>). A client keeps its lane, so
/// the statement ids it prepared there stay valid; nothing is remapped. Nothing handles failure either: a lane that
/// closes leaves the clients queued on it waiting.
/// Usage: <c>Switchyard.Benchmarks pipeline-relay LISTEN_PORT BACKEND_PORT|BACKEND_SOCKET_PATH LANES</c>.
/// </summary>
internal static class PipelineRelay
{
    private const int ReadSize = 16 * 1024;
    private const byte ComQuit = 0x01, ComPing = 0x0e, ComStmtPrepare = 0x16, ComStmtSendLongData = 0x18, ComStmtClose = 0x19;
    private const uint ClientDeprecateEof = 1u << 24;

    private sealed class Connection(Socket socket)
    {
        public readonly Socket Socket = socket;
        public readonly int Fd = (int)socket.Handle;
        public byte[] In = new byte[4 * ReadSize];
        public int InStart, InEnd;
        /// <summary>What this wake-up has for the connection, sent at its end.</summary>
        public byte[] Out = new byte[ReadSize];
        public int OutLength;
        /// <summary>Until logged in: the other end of the pass-through (a client's backend, a backend's client).</summary>
        public Connection? Peer;
        public bool IsClient;
        public bool SentLogin;
        public bool LoggedIn;
        public bool DeprecateEof;
        public bool Closed;
        public Lane? Lane;
    }

    private sealed class Lane(Connection backend)
    {
        public readonly Connection Backend = backend;
        /// <summary>The clients whose commands were sent and not yet fully answered, oldest first.</summary>
        public readonly Queue<(Connection Client, ResponseShape Shape)> Waiting = new();
        public ResponseScanner Scanner;
        public bool Scanning;
    }

    private static readonly ConcurrentDictionary<int, Connection> Connections = new();
    private static readonly List<Lane> Lanes = [];
    private static readonly Dictionary<int, Lane> LaneByBackend = [];
    private static readonly List<Connection> Dirty = [];
    private static int _laneCount;
    private static int _clientsLoggedIn;

    public static void Run(int listenPort, string backend, int lanes)
    {
        _laneCount = lanes;
        var epoll = StartEpollLoop("pipeline relay", Loop);
        RelayEndpoints.AcceptNonBlockingPairs(listenPort, backend, $"pipeline relay over {lanes} lanes", (client, server) =>
        {
            var c = new Connection(client) { IsClient = true };
            var s = new Connection(server) { Peer = c };
            c.Peer = s;
            Connections[c.Fd] = c;
            Connections[s.Fd] = s;
            Register(epoll, c.Fd);
            Register(epoll, s.Fd);
        });
    }

    private static void Loop(int epoll)
    {
        var events = new EpollEvent[256];
        while (true)
        {
            var ready = Wait(epoll, events);
            for (var i = 0; i < ready; i++)
            {
                if (!Connections.TryGetValue((int)events[i].Data, out var connection) || connection.Closed)
                    continue;
                if (!Receive(connection))
                {
                    Close(epoll, connection);
                    continue;
                }
                if (connection.IsClient)
                    FromClient(epoll, connection);
                else if (LaneByBackend.TryGetValue(connection.Fd, out var lane))
                    FromLane(lane);
                else
                    FromLoginBackend(connection);
            }
            // One send per connection for everything this wake-up produced: the point of the experiment.
            foreach (var connection in Dirty)
            {
                if (!connection.Closed && !SendAll(connection.Fd, connection.Out, connection.OutLength))
                    Close(epoll, connection);
                connection.OutLength = 0;
            }
            Dirty.Clear();
        }
    }

    /// <summary>Appends what the socket has to the connection's input; false when it closed or failed.</summary>
    private static bool Receive(Connection connection)
    {
        if (connection.InStart == connection.InEnd)
            connection.InStart = connection.InEnd = 0;
        if (connection.In.Length - connection.InEnd < ReadSize)
        {
            var length = connection.InEnd - connection.InStart;
            var target = length + ReadSize <= connection.In.Length ? connection.In : new byte[(length + ReadSize) * 2];
            Buffer.BlockCopy(connection.In, connection.InStart, target, 0, length);
            connection.In = target;
            connection.InStart = 0;
            connection.InEnd = length;
        }
        var received = recv(connection.Fd, ref connection.In[connection.InEnd], connection.In.Length - connection.InEnd, 0);
        if (received < 0)
            return Marshal.GetLastPInvokeError() == EAgain;
        connection.InEnd += (int)received;
        return received > 0;
    }

    /// <summary>The next whole packet in the input (header included), or false.</summary>
    private static bool NextPacket(Connection connection, out ReadOnlySpan<byte> packet)
    {
        var buffered = connection.In.AsSpan(connection.InStart, connection.InEnd - connection.InStart);
        if (buffered.Length >= PacketHeader.Size)
        {
            var length = PacketHeader.Size + PacketHeader.Read(buffered).PayloadLength;
            if (buffered.Length >= length)
            {
                packet = buffered[..length];
                connection.InStart += length;
                return true;
            }
        }
        packet = default;
        return false;
    }

    private static void FromClient(int epoll, Connection client)
    {
        while (NextPacket(client, out var packet))
        {
            if (!client.LoggedIn)
            {
                if (!client.SentLogin && packet.Length >= PacketHeader.Size + 4)
                {
                    client.SentLogin = true;
                    client.DeprecateEof = (BinaryPrimitives.ReadUInt32LittleEndian(packet[PacketHeader.Size..]) & ClientDeprecateEof) != 0;
                }
                Queue(client.Peer!, packet);
                continue;
            }
            if (packet.Length > PacketHeader.Size && packet[PacketHeader.Size] == ComQuit)
            {
                Close(epoll, client);
                return;
            }
            var lane = client.Lane!;
            Queue(lane.Backend, packet);
            // A client keeps its lane, so the statement ids the server gave it there stay valid.
            var command = packet.Length > PacketHeader.Size ? packet[PacketHeader.Size] : (byte)0;
            if (command is not (ComStmtClose or ComStmtSendLongData))
                lane.Waiting.Enqueue((client, command switch
                {
                    ComStmtPrepare => ResponseShape.Prepare,
                    ComPing => ResponseShape.SinglePacket,
                    _ => ResponseShape.ResultSets,
                }));
        }
    }

    /// <summary>Login answers go straight back; the OK that ends the login moves the client onto a lane.</summary>
    private static void FromLoginBackend(Connection backend)
    {
        var client = backend.Peer!;
        while (NextPacket(backend, out var packet))
        {
            Queue(client, packet);
            if (!client.SentLogin || packet.Length <= PacketHeader.Size || packet[PacketHeader.Size] != 0x00)
                continue;
            client.LoggedIn = true;
            if (Lanes.Count < _laneCount)
            {
                var lane = new Lane(backend);
                Lanes.Add(lane);
                LaneByBackend[backend.Fd] = lane;
            }
            client.Lane = Lanes[_clientsLoggedIn++ % Lanes.Count];
        }
    }

    /// <summary>Hands each answer on the lane to the client at the head of its queue.</summary>
    private static void FromLane(Lane lane)
    {
        var input = lane.Backend;
        while (input.InStart < input.InEnd && lane.Waiting.Count > 0)
        {
            var (client, shape) = lane.Waiting.Peek();
            if (!lane.Scanning)
            {
                lane.Scanner.Start(shape, client.DeprecateEof);
                lane.Scanning = true;
            }
            var buffered = new ReadOnlySequence<byte>(input.In, input.InStart, input.InEnd - input.InStart);
            var status = lane.Scanner.Scan(buffered, out var consumed);
            var length = (int)buffered.Slice(0, consumed).Length;
            if (!client.Closed)
                Queue(client, input.In.AsSpan(input.InStart, length));
            input.InStart += length;
            if (status != ScanStatus.Complete)
                return;
            lane.Waiting.Dequeue();
            lane.Scanning = false;
        }
    }

    private static void Queue(Connection connection, ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
            return;
        if (connection.OutLength == 0)
            Dirty.Add(connection);
        if (connection.Out.Length - connection.OutLength < bytes.Length)
            Array.Resize(ref connection.Out, Math.Max(connection.Out.Length * 2, connection.OutLength + bytes.Length));
        bytes.CopyTo(connection.Out.AsSpan(connection.OutLength));
        connection.OutLength += bytes.Length;
    }

    private static void Close(int epoll, Connection connection)
    {
        if (connection.Closed)
            return;
        connection.Closed = true;
        Unregister(epoll, connection.Fd);
        Connections.TryRemove(connection.Fd, out _);
        connection.Socket.Dispose();
        // A client's own backend connection goes with it unless it became a lane that others share.
        if (connection.Peer is { } peer && !LaneByBackend.ContainsKey(peer.Fd))
        {
            peer.Peer = null;
            connection.Peer = null;
            Close(epoll, peer);
        }
    }
}
