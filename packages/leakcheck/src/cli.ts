process.stdout.write('leakcheck: not implemented yet\n')
