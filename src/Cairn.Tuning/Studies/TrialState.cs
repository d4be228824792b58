namespace Cairn.Tuning.Studies;

public enum TrialState
{
    Running,
    Complete,
    Pruned,
    Failed,
}

public enum Direction
{
    Minimize,
    Maximize,
}
