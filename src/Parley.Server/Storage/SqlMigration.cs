using System.Globalization;

namespace Parley.Server.Storage;

/// <summary>
/// One schema step, embedded as Storage/Migrations/&lt;provider&gt;/NNNN_name.sql. The number orders
/// the steps and is what schema_version records.
/// </summary>
internal sealed record SqlMigration(int Version, string Name, string Sql)
{
    private const string Prefix = "Migrations/";

    /// <summary>The provider's migrations in ascending version order.</summary>
    public static IReadOnlyList<SqlMigration> Load(string providerFolder)
    {
        var assembly = typeof(SqlMigration).Assembly;
        var folder = Prefix + providerFolder + "/";
        var migrations = new List<SqlMigration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            // MSBuild's RecursiveDir uses the build machine's separator.
            var name = resource.Replace('\\', '/');
            if (!name.StartsWith(folder, StringComparison.Ordinal) || !name.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var fileName = Path.GetFileNameWithoutExtension(name[folder.Length..]);
            var separator = fileName.IndexOf('_', StringComparison.Ordinal);
            if (separator <= 0 || !int.TryParse(fileName.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"Migration {name} is not named NNNN_name.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add(new SqlMigration(version, fileName[(separator + 1)..], reader.ReadToEnd()));
        }

        if (migrations.Count == 0)
        {
            throw new InvalidOperationException($"No migrations are embedded for provider '{providerFolder}'.");
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < migrations.Count; i++)
        {
            if (migrations[i].Version == migrations[i - 1].Version)
            {
                throw new InvalidOperationException($"Two migrations share version {migrations[i].Version} for provider '{providerFolder}'.");
            }
        }

        return migrations;
    }
}
