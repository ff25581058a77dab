namespace Switchyard.Routing.Classification;

/// <summary>How long a <see cref="SessionAssignment"/> lasts.</summary>
internal enum SessionVariableScope : byte
{
    /// <summary>For the rest of the session: the tracker must keep it and replay it on other backends.</summary>
    Session,

    /// <summary>Only for the next transaction (SET TRANSACTION without SESSION): not replayed later.</summary>
    NextTransaction,

    /// <summary>GLOBAL/PERSIST: changes the server, not the session; such statements run on the primary.</summary>
    Global,
}
