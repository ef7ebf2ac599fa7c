from ltvcli.cli import main

main()
