module mmgob/interop

go 1.22
