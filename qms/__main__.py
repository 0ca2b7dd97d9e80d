from qms.program import main

main()
