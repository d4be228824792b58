namespace Cairn.Core.Search;

internal static class SearchErrors
{
    public static CairnException Invalid(string message) => CairnException.InvalidParameter(message);
}
