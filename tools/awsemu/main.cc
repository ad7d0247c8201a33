// ferry-awsemu entry point (placeholder until the emulator lands).
int main() { return 0; }
