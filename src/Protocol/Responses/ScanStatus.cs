namespace Switchyard.Protocol.Responses;

/// <summary>What <see cref="ResponseScanner.Scan"/> found in the bytes it was given.</summary>
public enum ScanStatus : byte
{
    /// <summary>The response goes on; forward what was consumed and read more.</summary>
    NeedMoreData,
    /// <summary>The response ended at the consumed position; the connection is idle again.</summary>
    Complete,
    /// <summary>The server asked for a LOCAL INFILE: the client's file packets come next, then the response goes on.</summary>
    LocalInfileRequested,
}
