using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using FastAgi.Server.Epoll;
using FastAgi.Tests.Support;
using Xunit;

namespace FastAgi.Tests.Server;

/// <summary>
/// <see cref="EpollConnection"/> and <see cref="EpollListener"/> over real loopback sockets: the connection must behave as a
/// <see cref="PipeReader"/> and <see cref="PipeWriter"/> pair the way <see cref="Pipe"/> does, whatever the peer does and
/// whenever its bytes arrive. Linux only; skipped elsewhere.
/// </summary>
public class EpollTransportTests
{
    private const int Large = 8 << 20;

    [LinuxFact]
    public async Task Bytes_arrive_and_advance_to_follows_pipe_semantics()
    {
        await using Loopback loopback = Loopback.Start();
        (EpollConnection server, Socket client) = await loopback.ConnectAsync();
        PipeReader input = server.Input;

        ValueTask<ReadResult> first = input.ReadAsync();
        Assert.False(first.IsCompleted, "A read completed before the peer sent anything.");
        client.Send("hello"u8);
        ReadResult result = await first.AsTask().WaitOrFail("the first bytes");
        Assert.Equal("hello", Text(result.Buffer));

        // Everything examined, nothing consumed: the next read waits for new bytes, then returns old and new together.
        input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        ValueTask<ReadResult> waiting = input.ReadAsync();
        Assert.False(waiting.IsCompleted, "A read completed with nothing new after everything was examined.");
        client.Send(" world"u8);
        result = await ReadAtLeastAsync(input, waiting, "hello world".Length, "the bytes after the examined ones");
        Assert.Equal("hello world", Text(result.Buffer));

        // Part consumed, part examined: the next read returns at once with what was not consumed.
        input.AdvanceTo(result.Buffer.GetPosition(6), result.Buffer.GetPosition(8));
        ValueTask<ReadResult> again = input.ReadAsync();
        Assert.True(again.IsCompleted, "A read waited although bytes were left unexamined.");
        result = await again;
        Assert.Equal("world", Text(result.Buffer));

        // All consumed: nothing to try-read, and the next read waits for the peer.
        input.AdvanceTo(result.Buffer.End);
        Assert.False(input.TryRead(out _), "TryRead returned bytes after everything was consumed.");
        ValueTask<ReadResult> last = input.ReadAsync();
        Assert.False(last.IsCompleted, "A read completed after everything was consumed.");
        client.Send("!"u8);
        result = await last.AsTask().WaitOrFail("the last byte");
        Assert.Equal("!", Text(result.Buffer));
        Assert.False(result.IsCompleted);
        Assert.False(result.IsCanceled);
        input.AdvanceTo(result.Buffer.End);
    }

    [LinuxFact]
    public async Task Bytes_sent_in_several_writes_arrive_in_order_across_reads()
    {
        await using Loopback loopback = Loopback.Start();
        (EpollConnection server, Socket client) = await loopback.ConnectAsync();

        var received = new StringBuilder();
        for (int i = 0; i < 20; i++)
        {
            ValueTask<ReadResult> read = server.Input.ReadAsync();
            string line = $"line {i}\n";
            client.Send(Encoding.ASCII.GetBytes(line));
            ReadResult result = await ReadAtLeastAsync(server.Input, read, line.Length, $"line {i}");
            received.Append(Text(result.Buffer));
            server.Input.AdvanceTo(result.Buffer.End);
        }

        Assert.Equal(string.Concat(Enumerable.Range(0, 20).Select(i => $"line {i}\n")), received.ToString());
    }

    [LinuxFact]
    public async Task Bytes_sent_while_no_read_is_pending_are_all_delivered_later()
    {
        await using Loopback loopback = Loopback.Start();
        (EpollConnection server, Socket client) = await loopback.ConnectAsync(c => c.SendBufferSize = 1 << 20);
        byte[] sent = Pattern(100 * 1024);

        // All of it in the kernel before the first read: the readiness edges fired while nobody was reading.
        await SendAllAsync(client, sent);

        int offset = 0;
        int reads = 0;
        while (offset < sent.Length)
        {
            ReadResult result = await server.Input.ReadAsync().AsTask().WaitOrFail($"the bytes after {offset}");
            Assert.False(result.IsCompleted);
            AssertMatches(sent, offset, result.Buffer);
            offset += (int)result.Buffer.Length;
            reads++;
            server.Input.AdvanceTo(result.Buffer.End);
        }

        Assert.Equal(sent.Length, offset);
        Assert.True(reads > 1, "100 KB arrived in a single read of the 2 KB buffer.");
        ValueTask<ReadResult> idle = server.Input.ReadAsync();
        Assert.False(idle.IsCompleted, "A read completed after every byte was consumed.");
        server.Input.CancelPendingRead();
        Assert.True((await idle).IsCanceled);
    }

    [LinuxFact]
    public async Task Reader_that_examines_without_consuming_makes_the_buffer_grow_until_the_newline()
    {
        await using Loopback loopback = Loopback.Start();
        (EpollConnection server, Socket client) = await loopback.ConnectAsync(c => c.SendBufferSize = 1 << 20);
        byte[] sent = Pattern(10 * 1024);
        sent.AsSpan().Replace((byte)'\n', (byte)'.');
        await SendAllAsync(client, sent);

        // A line parser: no newline yet, so it consumes nothing and examines everything.
        ReadResult result;
        while (true)
        {
            result = await server.Input.ReadAsync().AsTask().WaitOrFail("10 KB without a newline");
            Assert.Null(result.Buffer.PositionOf((byte)'\n'));
            AssertMatches(sent, 0, result.Buffer);
            if (result.Buffer.Length == sent.Length)
            {
                break;
            }

            server.Input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }

        server.Input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        ValueTask<ReadResult> waiting = server.Input.ReadAsync();
        Assert.False(waiting.IsCompleted, "A read completed with no new bytes after 10 KB were examined.");
        client.Send("\n"u8);
        result = await waiting.AsTask().WaitOrFail("the newline");
        Assert.Equal(sent.Length + 1, result.Buffer.Length);
        AssertMatches(sent, 0, result.Buffer.Slice(0, sent.Length));
        Assert.Equal(result.Buffer.GetPosition(sent.Length), result.Buffer.PositionOf((byte)'\n'));
        server.Input.AdvanceTo(result.Buffer.End);
    }

    [LinuxFact]
    public async Task Line_reader_that_leaves_partial_lines_gets_every_line_intact()
    {
        // Lines of every length, some longer than the initial buffer, sent at once: the reader consumes whole lines and
        // leaves the partial one, so the buffer is both compacted and grown while bytes are waiting in the kernel.
        await using Loopback loopback = Loopback.Start();
        (EpollConnection server, Socket client) = await loopback.ConnectAsync(c => c.SendBufferSize = 1 << 20);
        string[] lines = [.. Enumerable.Range(0, 2000).Select(i => new string((char)('a' + (i % 26)), i % 97 == 0 ? 3000 + i : i % 300) + $" {i}")];
        await SendAllAsync(client, Encoding.ASCII.GetBytes(string.Concat(lines.Select(l => l + "\n"))));

        int next = 0;
        while (next < lines.Length)
        {
            ReadResult result = await server.Input.ReadAsync().AsTask().WaitOrFail($"line {next}");
            Assert.False(result.IsCompleted);
            ReadOnlySequence<byte> buffer = result.Buffer;
            while (buffer.PositionOf((byte)'\n') is SequencePosition newline)
            {
                Assert.True(next < lines.Length, "More lines arrived than were sent.");
                Assert.Equal(lines[next], Text(buffer.Slice(0, newline)));
                next++;
                buffer = buffer.Slice(buffer.GetPosition(1, newline));
            }

            server.Input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    [LinuxFact]
    public async Task Peer_that_sends_more_than_the_receive_bound_without_a_newline_ends_the_stream()
    {
        await using Loopback loopback = Loopback.Start();
        (EpollConnection server, Socket client) = await loopback.ConnectAsync(c => c.SendBufferSize = 4 << 20);
        byte[] sent = Pattern(EpollConnection.DefaultMaxReceiveBuffer + 4096);
        Task sending = SendAllAsync(client, sent);

        ReadResult result;
        do
        {
            result = await server.Input.ReadAsync().AsTask().WaitOrFail("the reader to give up on an endless line");
            server.Input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
        while (!result.IsCompleted);

        Assert.Equal(EpollConnection.DefaultMaxReceiveBuffer, result.Buffer.Length);
        await sending;
    }

    [LinuxFact]
    public async Task Peer_shutdown_after_data_delivers_the_data_then_completed_and_output_still_works()
    {
        await using Loopback loopback = Loopback.Start();
        (EpollConnection server, Socket client) = await loopback.ConnectAsync();

        ValueTask<ReadResult> read = server.Input.ReadAsync();
        Assert.False(read.IsCompleted);
        client.Send("bye\n"u8);
        client.Shutdown(SocketShutdown.Send);
        (byte[] data, ReadResult end) = await ReadToEndAsync(server.Input, read, "the data and the end of the stream");
        Assert.Equal("bye\n", Encoding.ASCII.GetString(data));
        Assert.True(end.IsCompleted);
        Assert.False(end.IsCanceled);

        // The end of the stream stays: Pipe returns completed again.
        ReadResult after = await server.Input.ReadAsync().AsTask().WaitOrFail("a read after the end");
        Assert.True(after.IsCompleted);
        server.Input.AdvanceTo(after.Buffer.End);

        // Half-closed by the peer, not by us: replies still go out.
        FlushResult flush = await WriteAsync(server.Output, "ack\n").AsTask().WaitOrFail("the reply after the peer's shutdown");
        Assert.False(flush.IsCompleted);
        Assert.Equal("ack\n", await ReceiveTextAsync(client, 4));
    }

    [LinuxTheory]
    [InlineData(1, false)]
    [InlineData(100, true)]
    [InlineData(2047, false)]
    [InlineData(2048, false)]
    [InlineData(2048, true)]
    [InlineData(2049, false)]
    [InlineData(4096, false)]
    [InlineData(70_000, true)]
    public async Task Data_and_fin_arriving_together_still_end_the_stream(int size, bool readPending)
    {
        // With edge-triggered epoll, the end of the stream that came with the last bytes raises no further edge: a short
        // read must not make the reader wait for one.
        await using Loopback loopback = Loopback.Start();
        for (int round = 0; round < 10; round++)
        {
            (EpollConnection server, Socket client) = await loopback.ConnectAsync(c => c.SendBufferSize = 1 << 20);
            byte[] sent = Pattern(size + round);
            ValueTask<ReadResult> read = readPending ? server.Input.ReadAsync() : default;
            Assert.False(readPending && read.IsCompleted);

            await SendAllAsync(client, sent);
            if (round % 2 == 0)
            {
                client.Close();
            }
            else
            {
                client.Shutdown(SocketShutdown.Send);
            }

            if (!readPending)
            {
                read = server.Input.ReadAsync();
            }

            (byte[] data, ReadResult end) = await ReadToEndAsync(server.Input, read, $"{sent.Length} bytes and the end of the stream");
            Assert.Equal(sent, data);
            Assert.True(end.IsCompleted);
            await server.DisposeAsync();
        }
    }

    [LinuxFact]
    public async Task Cancel_pending_read_completes_a_pending_read_as_canceled_then_reads_go_on()
    {
        await using Loopback loopback = Loopback.Start();
        (EpollConnection server, Socket client) = await loopback.ConnectAsync();

        ValueTask<ReadResult> pending = server.Input.ReadAsync();
        Assert.False(pending.IsCompleted);
        server.Input.CancelPendingRead();
        Assert.True(pending.IsCompleted, "CancelPendingRead left the read pending.");
        ReadResult canceled = await pending;
        Assert.True(canceled.IsCanceled);
        Assert.False(canceled.IsCompleted);
        Assert.True(canceled.Buffer.IsEmpty);
        server.Input.AdvanceTo(canceled.Buffer.Start);

        // The cancellation was spent on that read: the next one waits for the peer.
        ValueTask<ReadResult> next = server.Input.ReadAsync();
        Assert.False(next.IsCompleted, "A read completed after a spent cancellation.");
        client.Send("after\n"u8);
        ReadResult result = await ReadAtLeastAsync(server.Input, next, 6, "the bytes after the cancellation");
        Assert.False(result.IsCanceled);
        Assert.Equal("after\n", Text(result.Buffer));
        server.Input.AdvanceTo(result.Buffer.End);
    }

    [LinuxFact]
    public async Task Cancel_pending_read_before_a_read_cancels_the_next_read_only()
    {
        await using Loopback loopback = Loopback.Start();
        (EpollConnection server, Socket client) = await loopback.ConnectAsync();

        // Nothing sent: the next read is canceled at once.
        server.Input.CancelPendingRead();
        ValueTask<ReadResult> canceled = server.Input.ReadAsync();
        Assert.True(canceled.IsCompleted, "A read after CancelPendingRead did not return at once.");
        ReadResult result = await canceled;
        Assert.True(result.IsCanceled);
        Assert.False(result.IsCompleted);
        server.Input.AdvanceTo(result.Buffer.Start);

        ValueTask<ReadResult> next = server.Input.ReadAsync();
        Assert.False(next.IsCompleted, "The cancellation applied to two reads.");
        client.Send("one\n"u8);
        result = await ReadAtLeastAsync(server.Input, next, 4, "the bytes after the first cancellation");
        Assert.False(result.IsCanceled);
        Assert.Equal("one\n", Text(result.Buffer));

        // Bytes examined and left: a canceled read carries them, and the next read returns them again.
        server.Input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        server.Input.CancelPendingRead();
        result = await server.Input.ReadAsync().AsTask().WaitOrFail("the canceled read");
        Assert.True(result.IsCanceled);
        Assert.Equal("one\n", Text(result.Buffer));
        server.Input.AdvanceTo(result.Buffer.Start, result.Buffer.End);

        ValueTask<ReadResult> more = server.Input.ReadAsync();
        Assert.False(more.IsCompleted, "A read completed with nothing new after a canceled read.");
        client.Send("two\n"u8);
        result = await ReadAtLeastAsync(server.Input, more, 8, "the bytes after the second cancellation");
        Assert.False(result.IsCanceled);
        Assert.Equal("one\ntwo\n", Text(result.Buffer));
        server.Input.AdvanceTo(result.Buffer.End);
    }

    [LinuxFact]
    public async Task Output_sends_exactly_the_bytes_written_and_several_writes_go_in_one_flush()
    {
        await using Loopback loopback = Loopback.Start();
        (EpollConnection server, Socket client) = await loopback.ConnectAsync();
        PipeWriter output = server.Output;

        Span<byte> span = output.GetSpan(6);
        "hello\n"u8.CopyTo(span);
        output.Advance(6);
        FlushResult flush = await output.FlushAsync().AsTask().WaitOrFail("the first flush");
        Assert.False(flush.IsCompleted);
        Assert.False(flush.IsCanceled);
        Assert.Equal("hello\n", await ReceiveTextAsync(client, 6));

        // Nothing goes out before the flush; then all of it in one send.
        output.Write("a"u8);
        output.Write("bb"u8);
        Memory<byte> memory = output.GetMemory(3);
        "ccc"u8.CopyTo(memory.Span);
        output.Advance(3);
        Assert.Equal(0, client.Available);
        await output.FlushAsync().AsTask().WaitOrFail("the flush of three writes");
        byte[] together = new byte[64];
        int count = await client.ReceiveAsync(together.AsMemory()).AsTask().WaitOrFail("the three writes");
        Assert.Equal("abbccc", Encoding.ASCII.GetString(together, 0, count));

        // A write larger than the buffer handed out so far makes it grow, keeping what was written.
        byte[] large = Pattern(5000);
        output.Write(large.AsSpan(0, 300));
        span = output.GetSpan(4700);
        Assert.True(span.Length >= 4700);
        large.AsSpan(300).CopyTo(span);
        output.Advance(4700);
        await output.FlushAsync().AsTask().WaitOrFail("the grown write");
        Assert.Equal(large, await ReceiveExactlyAsync(client, large.Length).WaitOrFail("the grown write"));

        // An empty flush sends nothing and completes at once.
        ValueTask<FlushResult> empty = output.FlushAsync();
        Assert.True(empty.IsCompleted);
        Assert.False((await empty).IsCompleted);
    }

    [LinuxFact]
    public async Task Large_flush_pends_until_the_peer_reads_and_then_delivers_everything_in_order()
    {
        await using Loopback loopback = Loopback.Start(smallSendBuffer: true);
        (EpollConnection server, Socket client) = await loopback.ConnectAsync(c => c.ReceiveBufferSize = 64 * 1024);
        byte[] sent = Pattern(Large);

        server.Output.Write(sent);
        ValueTask<FlushResult> flush = server.Output.FlushAsync();
        Assert.False(flush.IsCompleted, "8 MB went out while the peer was not reading.");

        byte[] received = await ReceiveExactlyAsync(client, sent.Length).WaitOrFail("8 MB");
        FlushResult result = await flush.AsTask().WaitOrFail("the flush once the peer read everything");
        Assert.False(result.IsCompleted);
        Assert.False(result.IsCanceled);
        Assert.True(sent.AsSpan().SequenceEqual(received), "The 8 MB arrived altered or out of order.");

        await WriteAsync(server.Output, "after\n").AsTask().WaitOrFail("a flush after the large one");
        Assert.Equal("after\n", await ReceiveTextAsync(client, 6));
    }

    [LinuxFact]
    public async Task Abort_completes_a_pending_read_and_the_peer_sees_the_end()
    {
        await using Loopback loopback = Loopback.Start();
        (EpollConnection server, Socket client) = await loopback.ConnectAsync();

        ValueTask<ReadResult> pending = server.Input.ReadAsync();
        Assert.False(pending.IsCompleted);
        server.Abort();
        ReadResult result = await pending.AsTask().WaitOrFail("the read pending at the abort");
        Assert.True(result.IsCompleted);
        Assert.False(result.IsCanceled);
        server.Input.AdvanceTo(result.Buffer.End);

        ReadResult after = await server.Input.ReadAsync().AsTask().WaitOrFail("a read after the abort");
        Assert.True(after.IsCompleted);
        server.Input.AdvanceTo(after.Buffer.End);
        FlushResult flush = await WriteAsync(server.Output, "lost\n").AsTask().WaitOrFail("a flush after the abort");
        Assert.True(flush.IsCompleted);
        server.Abort();

        Assert.Equal(0, await ReceiveToEndAsync(client).WaitOrFail("the peer to see the connection closed"));
    }

    [LinuxFact]
    public async Task Closing_with_bytes_nobody_read_ends_with_a_fin_not_a_reset()
    {
        await using Loopback loopback = Loopback.Start();
        (EpollConnection server, Socket client) = await loopback.ConnectAsync();

        // The last reply is read; Asterisk's HANGUP line after it never is. Bytes left in the socket at close() would make it
        // a reset. (On loopback, a send has reached the peer's socket when it returns.)
        client.Send("200 result=1\n"u8);
        ReadResult reply = await ReadAtLeastAsync(server.Input, 13, "the last reply");
        server.Input.AdvanceTo(reply.Buffer.End);
        client.Send("HANGUP\n"u8);
        await WriteAsync(server.Output, "bye\n");
        server.Abort();

        byte[] buffer = new byte[64];
        int received = 0;
        while (true)
        {
            // A reset would throw here (ECONNRESET) instead of reading the end of the stream.
            int n = await client.ReceiveAsync(buffer.AsMemory(received)).AsTask().WaitOrFail("the peer to read to the end");
            if (n == 0)
            {
                break;
            }

            received += n;
        }

        Assert.Equal("bye\n", Encoding.ASCII.GetString(buffer, 0, received));
    }

    [LinuxFact]
    public async Task A_graceful_close_reads_what_the_peer_sends_after_the_fin_and_ends_without_a_reset()
    {
        await using Loopback loopback = Loopback.Start();
        (EpollConnection server, Socket client) = await loopback.ConnectAsync();

        // Asterisk answers the server's FIN with one more HANGUP line, then its own FIN.
        Task closing = server.CloseAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, await ReceiveToEndAsync(client).WaitOrFail("the server's FIN"));
        client.Send("HANGUP\n"u8);
        Assert.Equal(0, (int)client.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!);
        client.Shutdown(SocketShutdown.Send);

        // It closes on the peer's FIN, not at the end of the linger.
        await closing.WaitOrFail("the close to finish on the peer's FIN");
        Assert.Equal(0, (int)client.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!);
    }

    [LinuxFact]
    public async Task A_graceful_close_gives_up_on_a_peer_that_never_closes_after_the_linger()
    {
        await using Loopback loopback = Loopback.Start();
        (EpollConnection server, Socket client) = await loopback.ConnectAsync();

        await server.CloseAsync(TimeSpan.FromMilliseconds(200)).WaitOrFail("the close to give up");
        Assert.Equal(0, await ReceiveToEndAsync(client).WaitOrFail("the end of the stream"));
    }

    [LinuxFact]
    public async Task Abort_completes_a_pending_flush_and_later_flushes()
    {
        await using Loopback loopback = Loopback.Start(smallSendBuffer: true);
        (EpollConnection server, Socket client) = await loopback.ConnectAsync(c => c.ReceiveBufferSize = 64 * 1024);

        server.Output.Write(Pattern(Large));
        ValueTask<FlushResult> flush = server.Output.FlushAsync();
        Assert.False(flush.IsCompleted, "8 MB went out while the peer was not reading.");
        server.Abort();
        FlushResult result = await flush.AsTask().WaitOrFail("the flush pending at the abort");
        Assert.True(result.IsCompleted);
        Assert.False(result.IsCanceled);

        FlushResult after = await WriteAsync(server.Output, "lost\n").AsTask().WaitOrFail("a flush after the abort");
        Assert.True(after.IsCompleted);

        // What the kernel already held may still arrive, then the end: never all 8 MB.
        int received = await ReceiveToEndAsync(client).WaitOrFail("the peer to see the connection closed");
        Assert.True(received < Large, "All 8 MB arrived although the flush was aborted.");
    }

    [LinuxFact]
    public async Task Peer_reset_completes_a_pending_read()
    {
        await using Loopback loopback = Loopback.Start();
        (EpollConnection server, Socket client) = await loopback.ConnectAsync();

        ValueTask<ReadResult> pending = server.Input.ReadAsync();
        Assert.False(pending.IsCompleted);
        client.LingerState = new LingerOption(true, 0);
        client.Close();
        ReadResult result = await pending.AsTask().WaitOrFail("the read pending at the reset");
        Assert.True(result.IsCompleted);
        Assert.False(result.IsCanceled);
        server.Input.AdvanceTo(result.Buffer.End);
    }

    [LinuxFact]
    public async Task Peer_reset_completes_a_pending_flush()
    {
        await using Loopback loopback = Loopback.Start(smallSendBuffer: true);
        (EpollConnection server, Socket client) = await loopback.ConnectAsync(c => c.ReceiveBufferSize = 64 * 1024);

        server.Output.Write(Pattern(Large));
        ValueTask<FlushResult> flush = server.Output.FlushAsync();
        Assert.False(flush.IsCompleted, "8 MB went out while the peer was not reading.");
        client.LingerState = new LingerOption(true, 0);
        client.Close();
        FlushResult result = await flush.AsTask().WaitOrFail("the flush pending at the reset");
        Assert.True(result.IsCompleted);
        Assert.False(result.IsCanceled);
    }

    [LinuxTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Round_trip_works_and_continuations_run_where_configured(bool runContinuationsAsynchronously)
    {
        await using Loopback loopback = Loopback.Start(runContinuationsAsynchronously);
        (EpollConnection server, Socket client) = await loopback.ConnectAsync();

        for (int i = 0; i < 3; i++)
        {
            ValueTask<ReadResult> read = server.Input.ReadAsync();
            Assert.False(read.IsCompleted);
            string ping = $"ping {i}\n";
            (string? thread, ReadResult result) = await ResumeAfterAsync(read, () => client.Send(Encoding.ASCII.GetBytes(ping)));
            bool onLoop = thread?.StartsWith("FastAgi epoll", StringComparison.Ordinal) ?? false;
            Assert.True(onLoop != runContinuationsAsynchronously, $"The read resumed on thread '{thread}'.");
            result = await ReadAtLeastAsync(server.Input, new ValueTask<ReadResult>(result), 7, "the ping");
            Assert.Equal($"ping {i}\n", Text(result.Buffer));
            server.Input.AdvanceTo(result.Buffer.End);

            await WriteAsync(server.Output, $"pong {i}\n").AsTask().WaitOrFail("the pong");
            Assert.Equal($"pong {i}\n", await ReceiveTextAsync(client, 7));
        }
    }

    [LinuxFact]
    public async Task Two_hundred_connections_on_two_loops_each_complete_a_request_and_response()
    {
        const int Connections = 200;
        await using Loopback loopback = Loopback.Start(loopCount: 2);

        var clients = new Socket[Connections];
        for (int i = 0; i < Connections; i++)
        {
            clients[i] = loopback.NewClient();
        }

        Task connecting = Task.WhenAll(clients.Select(c => c.ConnectAsync(loopback.Endpoint)));
        var serving = new List<Task>();
        for (int i = 0; i < Connections; i++)
        {
            EpollConnection server = await loopback.AcceptAsync();
            serving.Add(Task.Run(() => EchoLineAsync(server)));
        }

        await connecting.WaitOrFail("200 clients to connect", TestTimeouts.ManyCalls);
        string[] replies = await Task.WhenAll(clients.Select(async (client, i) =>
        {
            await client.SendAsync(Encoding.ASCII.GetBytes($"request {i}\n").AsMemory());
            string expected = $"echo request {i}\n";
            return Encoding.ASCII.GetString(await ReceiveExactlyAsync(client, expected.Length));
        })).WaitOrFail("200 responses", TestTimeouts.ManyCalls);
        await Task.WhenAll(serving).WaitOrFail("200 servers to finish", TestTimeouts.ManyCalls);

        for (int i = 0; i < Connections; i++)
        {
            Assert.Equal($"echo request {i}\n", replies[i]);
        }
    }

    [LinuxFact]
    public async Task Descriptor_reused_by_a_new_connection_gets_only_its_own_events()
    {
        await using Loopback loopback = Loopback.Start(loopCount: 2);
        (EpollConnection keep, Socket keepClient) = await loopback.ConnectAsync();
        int reused = 0;
        for (int round = 0; round < 30; round++)
        {
            (EpollConnection old, Socket oldClient) = await loopback.ConnectAsync();
            int fd = DescriptorOf(old);

            // Created before the close, so that the client's own socket does not take the number first.
            Socket freshClient = loopback.NewClient();
            ValueTask<ReadResult> oldRead = old.Input.ReadAsync();
            Assert.False(oldRead.IsCompleted);
            await old.DisposeAsync();
            Assert.True((await oldRead.AsTask().WaitOrFail("the old connection's read")).IsCompleted);

            EpollConnection fresh = await loopback.ConnectAsync(freshClient);
            if (DescriptorOf(fresh) == fd)
            {
                reused++;
            }

            ValueTask<ReadResult> freshRead = fresh.Input.ReadAsync();
            Assert.False(freshRead.IsCompleted);
            oldClient.Send("stale\n"u8);
            freshClient.Send("fresh\n"u8);
            ReadResult result = await ReadAtLeastAsync(fresh.Input, freshRead, 6, "the new connection's bytes");
            Assert.Equal("fresh\n", Text(result.Buffer));
            fresh.Input.AdvanceTo(result.Buffer.End);
            await WriteAsync(fresh.Output, "ok\n").AsTask().WaitOrFail("the new connection's reply");
            Assert.Equal("ok\n", await ReceiveTextAsync(freshClient, 3));
            Assert.Equal(0, await ReceiveToEndAsync(oldClient).WaitOrFail("the old client to see the close"));
            await fresh.DisposeAsync();
        }

        Assert.True(reused > 0, "No new connection reused a closed connection's descriptor: the test proved nothing.");

        // A connection that lived through all of it is untouched.
        keepClient.Send("still here\n"u8);
        ReadResult kept = await ReadAtLeastAsync(keep.Input, 11, "the long-lived connection's bytes");
        Assert.Equal("still here\n", Text(kept.Buffer));
        keep.Input.AdvanceTo(kept.Buffer.End);
    }

    [LinuxFact]
    public async Task Disposed_listener_accepts_nothing_more_and_the_loop_keeps_serving()
    {
        await using Loopback loopback = Loopback.Start();
        (EpollConnection server, Socket client) = await loopback.ConnectAsync();

        loopback.Listener.Dispose();
        loopback.Listener.Dispose();
        using Socket late = loopback.NewClient();
        SocketException refused = await Assert.ThrowsAsync<SocketException>(
            () => late.ConnectAsync(loopback.Endpoint).WaitOrFail("the connect to a disposed listener"));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.False(loopback.TryAccept(out _), "A connection was accepted after the listener was disposed.");

        // The loop the listener was on still serves the connection it accepted.
        ValueTask<ReadResult> read = server.Input.ReadAsync();
        client.Send("ping\n"u8);
        ReadResult result = await ReadAtLeastAsync(server.Input, read, 5, "a ping after the listener was disposed");
        Assert.Equal("ping\n", Text(result.Buffer));
        server.Input.AdvanceTo(result.Buffer.End);
        await WriteAsync(server.Output, "pong\n").AsTask().WaitOrFail("the pong");
        Assert.Equal("pong\n", await ReceiveTextAsync(client, 5));
    }

    /// <summary>
    /// Hooks a continuation with no context onto the pending <paramref name="read"/>, runs <paramref name="trigger"/>, and
    /// returns the name of the thread the continuation ran on with the read's result.
    /// </summary>
    private static async Task<(string? Thread, ReadResult Result)> ResumeAfterAsync(ValueTask<ReadResult> read, Action trigger)
    {
        ConfiguredValueTaskAwaitable<ReadResult>.ConfiguredValueTaskAwaiter awaiter = read.ConfigureAwait(false).GetAwaiter();
        var resumed = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        awaiter.UnsafeOnCompleted(() => resumed.SetResult(Thread.CurrentThread.Name));
        trigger();
        string? thread = await resumed.Task.WaitOrFail("the read to resume its awaiter");
        return (thread, awaiter.GetResult());
    }

    private static async Task EchoLineAsync(EpollConnection connection)
    {
        while (true)
        {
            ReadResult result = await connection.Input.ReadAsync();
            SequencePosition? newline = result.Buffer.PositionOf((byte)'\n');
            if (newline is SequencePosition end)
            {
                ReadOnlySequence<byte> line = result.Buffer.Slice(0, result.Buffer.GetPosition(1, end));
                connection.Output.Write("echo "u8);
                foreach (ReadOnlyMemory<byte> segment in line)
                {
                    connection.Output.Write(segment.Span);
                }

                connection.Input.AdvanceTo(line.End);
                FlushResult flush = await connection.Output.FlushAsync();
                Assert.False(flush.IsCompleted);
                return;
            }

            Assert.False(result.IsCompleted, "The stream ended before the request line.");
            connection.Input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    /// <summary>Reads until at least <paramref name="count"/> bytes are buffered (or the stream ends), examining without consuming; the caller advances.</summary>
    private static Task<ReadResult> ReadAtLeastAsync(PipeReader reader, int count, string what)
        => ReadAtLeastAsync(reader, reader.ReadAsync(), count, what);

    private static async Task<ReadResult> ReadAtLeastAsync(PipeReader reader, ValueTask<ReadResult> read, int count, string what)
    {
        while (true)
        {
            ReadResult result = await read.AsTask().WaitOrFail(what);
            if (result.Buffer.Length >= count || result.IsCompleted)
            {
                return result;
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            read = reader.ReadAsync();
        }
    }

    /// <summary>Reads and consumes everything until the stream ends, starting with <paramref name="read"/>.</summary>
    private static async Task<(byte[] Data, ReadResult End)> ReadToEndAsync(PipeReader reader, ValueTask<ReadResult> read, string what)
    {
        var data = new ArrayBufferWriter<byte>();
        while (true)
        {
            ReadResult result = await read.AsTask().WaitOrFail(what);
            Assert.False(result.IsCanceled);
            foreach (ReadOnlyMemory<byte> segment in result.Buffer)
            {
                data.Write(segment.Span);
            }

            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return (data.WrittenSpan.ToArray(), result);
            }

            read = reader.ReadAsync();
        }
    }

    private static ValueTask<FlushResult> WriteAsync(PipeWriter writer, string text)
    {
        writer.Write(Encoding.ASCII.GetBytes(text));
        return writer.FlushAsync();
    }

    private static async Task SendAllAsync(Socket client, byte[] bytes)
    {
        int sent = await client.SendAsync(bytes.AsMemory()).AsTask().WaitOrFail($"the kernel to take {bytes.Length} bytes");
        Assert.Equal(bytes.Length, sent);
    }

    private static async Task<byte[]> ReceiveExactlyAsync(Socket client, int count)
    {
        byte[] buffer = new byte[count];
        int received = 0;
        while (received < count)
        {
            int n = await client.ReceiveAsync(buffer.AsMemory(received));
            Assert.True(n > 0, $"The connection closed after {received} of {count} bytes.");
            received += n;
        }

        return buffer;
    }

    private static async Task<string> ReceiveTextAsync(Socket client, int count)
        => Encoding.ASCII.GetString(await ReceiveExactlyAsync(client, count).WaitOrFail($"{count} bytes from the server"));

    /// <summary>Receives until the end of the stream or a reset; returns how many bytes came before it.</summary>
    private static async Task<int> ReceiveToEndAsync(Socket client)
    {
        byte[] buffer = new byte[64 * 1024];
        int total = 0;
        try
        {
            while (true)
            {
                int n = await client.ReceiveAsync(buffer.AsMemory());
                if (n == 0)
                {
                    return total;
                }

                total += n;
            }
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            return total;
        }
    }

    /// <summary>Bytes that do not repeat with any period a misplaced chunk could hide behind.</summary>
    private static byte[] Pattern(int length)
    {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)((i * 7) ^ (i >> 8) ^ (i >> 16));
        }

        return bytes;
    }

    private static void AssertMatches(byte[] expected, int offset, ReadOnlySequence<byte> actual)
    {
        Assert.True(offset + actual.Length <= expected.Length, $"{actual.Length} bytes at {offset} run past the {expected.Length} sent.");
        Assert.True(
            expected.AsSpan(offset, (int)actual.Length).SequenceEqual(actual.ToArray()),
            $"The {actual.Length} bytes read at {offset} differ from those sent.");
    }

    private static string Text(ReadOnlySequence<byte> buffer) => Encoding.ASCII.GetString(buffer);

    private static int DescriptorOf(EpollConnection connection)
        => (int)typeof(EpollConnection).GetField("_fd", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(connection)!;

    /// <summary>A transport listening on 127.0.0.1 and the plain sockets connected to it, all disposed together; an error on a loop fails the test.</summary>
    private sealed class Loopback : IAsyncDisposable
    {
        private readonly ConcurrentQueue<string> _errors = new();
        private readonly Channel<EpollConnection> _accepted = Channel.CreateUnbounded<EpollConnection>();
        private readonly ConcurrentQueue<EpollConnection> _connections = new();
        private readonly ConcurrentQueue<Socket> _clients = new();

        private Loopback(bool runContinuationsAsynchronously, int loopCount, bool smallSendBuffer)
        {
            Transport = new EpollTransport(loopCount, runContinuationsAsynchronously, ex => _errors.Enqueue($"A loop handler threw: {ex}"));
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            if (smallSendBuffer)
            {
                // Accepted sockets inherit it: a large flush then surely fills the kernel's buffers.
                socket.SendBufferSize = 64 * 1024;
            }

            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            socket.Listen(512);
            Endpoint = (IPEndPoint)socket.LocalEndPoint!;
            Listener = Transport.Listen(
                socket,
                connection =>
                {
                    _connections.Enqueue(connection);
                    _accepted.Writer.TryWrite(connection);
                },
                errno => _errors.Enqueue($"accept4 failed with errno {errno}."),
                static () => true);
        }

        public EpollTransport Transport { get; }

        public EpollListener Listener { get; }

        public IPEndPoint Endpoint { get; }

        public static Loopback Start(bool runContinuationsAsynchronously = true, int loopCount = 1, bool smallSendBuffer = false)
            => new(runContinuationsAsynchronously, loopCount, smallSendBuffer);

        /// <summary>A client socket, not yet connected, disposed with the rest.</summary>
        public Socket NewClient()
        {
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            _clients.Enqueue(client);
            return client;
        }

        /// <summary>Connects a client, configured first by <paramref name="configure"/>, and returns it with the server's side.</summary>
        public async Task<(EpollConnection Server, Socket Client)> ConnectAsync(Action<Socket>? configure = null)
        {
            Socket client = NewClient();
            configure?.Invoke(client);
            return (await ConnectAsync(client), client);
        }

        /// <summary>Connects <paramref name="client"/> and returns the server's side.</summary>
        public async Task<EpollConnection> ConnectAsync(Socket client)
        {
            await client.ConnectAsync(Endpoint).WaitOrFail("the client to connect");
            return await AcceptAsync();
        }

        public Task<EpollConnection> AcceptAsync()
            => _accepted.Reader.ReadAsync().AsTask().WaitOrFail("the listener to accept a connection");

        public bool TryAccept(out EpollConnection? connection) => _accepted.Reader.TryRead(out connection);

        public async ValueTask DisposeAsync()
        {
            foreach (EpollConnection connection in _connections)
            {
                await connection.DisposeAsync();
            }

            Listener.Dispose();
            Transport.Dispose();
            foreach (Socket client in _clients)
            {
                client.Dispose();
            }

            Assert.Empty(_errors);
        }
    }
}
