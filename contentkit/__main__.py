from contentkit.cli import main

main()
