return await Parley.Cli.Cli.RunAsync(args, Console.Out, Console.Error, Console.In);
