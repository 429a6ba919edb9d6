using System.CommandLine;
using Workbook;

var root = new RootCommand("The RNN-on-MNIST workbook: run notebooks, fetch data, train model x seed grids, build result tables.")
{
    RunCommand.Create(),
    DataCommands.Create(),
    TrainCommand.Create(),
    ResultsCommands.Create(),
    BenchCommand.Create(),
    StudyCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
