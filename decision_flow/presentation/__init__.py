"""What a person reads: rich output on the terminal and the PDF, HTML, CSV and JSON exports."""
