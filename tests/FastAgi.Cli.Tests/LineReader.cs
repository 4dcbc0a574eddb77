using System.Net.Sockets;
using System.Text;

namespace FastAgi.Cli.Tests;

/// <summary>Reads a socket line by line, as Asterisk reads commands; <see langword="null"/> at the end of the stream.</summary>
internal sealed class LineReader(Socket socket)
{
    private readonly List<byte> _pending = [];
    private readonly byte[] _buffer = new byte[4096];

    public async Task<string?> ReadLineAsync()
    {
        while (true)
        {
            int newline = _pending.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                string line = Encoding.UTF8.GetString([.. _pending.GetRange(0, newline + 1)]);
                _pending.RemoveRange(0, newline + 1);
                return line;
            }

            int read;
            try
            {
                read = await socket.ReceiveAsync(_buffer);
            }
            catch (SocketException)
            {
                read = 0;
            }

            if (read == 0)
            {
                return null;
            }

            _pending.AddRange(_buffer.AsSpan(0, read));
        }
    }
}
