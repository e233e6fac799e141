process.stdout.write('demo: not implemented yet\n')
