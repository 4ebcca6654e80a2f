using System.Text;
using Saima.Cli;

// Standard output is buffered (results can be hundreds of thousands of rows) and always UTF-8
// without a BOM, whatever the terminal's locale says; it is flushed once at the end.
var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16)
{
    AutoFlush = false,
    NewLine = "\n",
};
int code = CliApp.Run(args, stdout, Console.Error);
try
{
    stdout.Flush();
}
catch (IOException)
{
    // The reader went away (e.g. `saima score ... | head`): nothing left to tell it.
}

return code;
