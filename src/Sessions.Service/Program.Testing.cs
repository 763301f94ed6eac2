// WebApplicationFactory<Program> in the tests needs a public Program type to find the entry point.
public partial class Program;
