namespace Parley.Server.Modules;

/// <summary>
/// A module's own settings, bound from <c>Modules:&lt;Name&gt;:*</c> (the name given to
/// <see cref="ModuleRegistration"/>). A module with settings of its own derives from this class and
/// adds them as properties: the start-up check of unknown keys learns them from the type, and each
/// must be documented in docs/configuration.md.
/// </summary>
public class ModuleOptions
{
    /// <summary>Whether the module runs (key <c>Modules:&lt;Name&gt;:Enabled</c>). Default: the module's own default, mostly true.</summary>
    public bool Enabled { get; set; } = true;
}
