namespace Parley.Server.Connections;

internal enum OutgoingKind
{
    Element,
    Header,

    /// <summary>Flush, report that the writer is paused, and wait until the transport has been swapped (STARTTLS).</summary>
    Barrier,
}
