{#- mkdocs-print-site-plugin's cover page (its own template, plus the edition and date). -#}
<div>
  <h1>{{ config.site_name }}</h1>
</div>
<table>
  <tr><td>Description</td><td>{{ config.site_description }}</td></tr>
  <tr><td>Edition</td><td>{{ config.extra.il2ref.edition }}, built {{ config.extra.il2ref.built }}</td></tr>
  <tr><td>Licence</td><td>{{ config.copyright }}</td></tr>
</table>
