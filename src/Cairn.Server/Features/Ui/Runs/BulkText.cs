using System.Globalization;
using Cairn.Core.Tracking.Bulk;

namespace Cairn.Server.Features.Ui.Runs;

/// <summary>Words for the bulk action bar: verbs per action, byte counts for people.</summary>
internal static class BulkText
{
    public static string Verb(BulkAction action) => action switch
    {
        BulkAction.Tag => "Tag",
        BulkAction.Move => "Move",
        BulkAction.Delete => "Delete",
        BulkAction.Restore => "Restore",
        _ => "Purge",
    };

    public static string Past(BulkAction action) => action switch
    {
        BulkAction.Tag => "Tagged",
        BulkAction.Move => "Moved",
        BulkAction.Delete => "Deleted",
        BulkAction.Restore => "Restored",
        _ => "Purged",
    };

    public static string Runs(long count) => $"{UiFormat.Number(count)} run{(count == 1 ? "" : "s")}";

    /// <summary>"18 GB", "512 KB", "0 bytes" (decimal units, as storage is billed).</summary>
    public static string Bytes(long bytes)
    {
        string[] units = ["bytes", "KB", "MB", "GB", "TB", "PB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1000 && unit < units.Length - 1)
        {
            value /= 1000;
            unit++;
        }

        return unit == 0
            ? $"{bytes.ToString(CultureInfo.InvariantCulture)} bytes"
            : value.ToString(value < 10 ? "0.#" : "0", CultureInfo.InvariantCulture) + " " + units[unit];
    }
}
